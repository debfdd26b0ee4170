"""CSV export and import of items.

One row per item, with these columns (the header row names them):

    sku, item_name, description, quantity, price, cost_price, reorder_level,
    status, expiry_date, category, supplier, metadata

``category`` and ``supplier`` are names (so a file exported by one team
imports into another whose catalog has entries of those names); ``expiry_date``
is YYYY-MM-DD; ``metadata`` is the item's metadata object as JSON. Numbers are
written the same way every time, so exporting, importing and exporting again
gives an identical file, and every text comes back exactly as it was stored.
How each cell is escaped and read: csv_cells.py.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import g
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Row

from domain import item_store
from domain.csv_cells import cell_value, convert_cell, escape_cell, shortened
from domain.item_edits import add_item, edit_item, lock_item
from domain.item_fields import full_metadata, iso_date, item_changes
from errors import APIError, invalid_input
from extensions import db
from models import Category, Supplier
from schemas import ItemCreate

COLUMNS = (
    "sku",
    "item_name",
    "description",
    "quantity",
    "price",
    "cost_price",
    "reorder_level",
    "status",
    "expiry_date",
    "category",
    "supplier",
    "metadata",
)
REQUIRED_COLUMNS = ("item_name", "quantity", "price")
# Python's csv refuses a cell over 128 KiB with an error that cannot say which
# cell it was, and a stored item's metadata can be longer than that once
# written as JSON. Bodies are capped by MAX_CONTENT_LENGTH already, so lift
# csv's own (process-wide) cap; each column's rules then say what is too long.
csv.field_size_limit(2**31 - 1)  # the largest a C long holds on every platform


# --- Export -----------------------------------------------------------------


def export_lines(items: Iterable[Row]) -> Iterator[str]:
    """Yield the CSV text for ``items``, header first, one line at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(items):
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _rows(items: Iterable[Row]) -> Iterator[list[str]]:
    yield list(COLUMNS)
    for item in items:
        values = [
            item.sku,
            item.item_name,
            item.description,
            str(item.quantity),
            _money(item.price_cents),
            _money(item.cost_price_cents),
            str(item.reorder_level),
            item.status,
            iso_date(item.expiry_date),
            item.category_name,
            item.supplier_name,
            json.dumps(
                full_metadata(item.metadata_), sort_keys=True, ensure_ascii=False
            ),
        ]
        yield [escape_cell(value) for value in values]


def _money(cents: int | None) -> str | None:
    return None if cents is None else f"{cents // 100}.{cents % 100:02d}"


# --- Import -----------------------------------------------------------------


@dataclass
class ImportRow:
    """One valid data row, and what importing it means."""

    number: int  # as a spreadsheet counts: the header is row 1
    fields: dict[str, Any]
    item: Row | None = None  # the team's item with this SKU, if any
    changes: dict[str, list[Any]] = field(default_factory=dict)
    action: str = "create"  # decided by plan_import: create, update or unchanged

    def report(self) -> dict[str, Any]:
        return {
            "row": self.number,
            "sku": self.fields.get("sku"),
            "item_name": self.fields.get("item_name"),
            "action": self.action,
            "item_id": self.item.id if self.item else None,
            "changes": self.changes or None,
        }


def read_import(data: bytes, max_rows: int) -> list[ImportRow]:
    """Parse and validate a CSV body; raise 400 listing every bad row and field.

    More than ``max_rows`` data rows is a 413, found without reading further:
    one import is one transaction, holding SQLite's write lock while it runs.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise APIError(400, "The CSV must be UTF-8 text.") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="__extra__")
    header = _check_header(reader.fieldnames)
    catalog = _catalog_ids()
    rows, errors, seen_skus = [], [], {}
    for number, record in enumerate(reader, start=2):
        if number - 1 > max_rows:
            raise APIError(
                413,
                f"The CSV has more than {max_rows} rows, the most one import "
                f"takes; nothing was changed. Split it into files of at most "
                f"{max_rows} rows and import them one after another.",
            )
        try:
            fields = _row_fields(record, header, catalog)
        except RowError as exc:
            errors += [{"row": number, **problem} for problem in exc.problems]
            continue
        sku_key = (fields.get("sku") or "").lower()
        if sku_key and sku_key in seen_skus:
            message = f"SKU {fields['sku']} is already in row {seen_skus[sku_key]}."
            errors.append({"row": number, "field": "sku", "message": message})
            continue
        if sku_key:
            seen_skus[sku_key] = number
        rows.append(ImportRow(number, fields))
    if errors:
        bad_rows = len({error["row"] for error in errors})
        raise APIError(
            400,
            f"Import rejected: {bad_rows} row(s) have errors; nothing was changed.",
            errors,
        )
    if not rows:
        raise APIError(400, "The CSV has a header but no rows.")
    return rows


class RowError(Exception):
    def __init__(self, problems: list[dict[str, Any]]):
        self.problems = problems


def _check_header(fieldnames: list[str] | None) -> list[str]:
    if not fieldnames:
        raise APIError(400, "The CSV is empty; the first row must name the columns.")
    header = [name.strip() for name in fieldnames]
    problems = [
        {"row": 1, "field": shortened(name), "message": "Unknown column."}
        for name in header
        if name not in COLUMNS
    ] + [
        {"row": 1, "field": name, "message": "Required column is missing."}
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    if len(set(header)) != len(header):
        problems.append({"row": 1, "field": None, "message": "A column is repeated."})
    if problems:
        raise APIError(400, "The CSV header is not valid.", problems)
    return header


def _catalog_ids() -> dict[str, dict[str, int]]:
    # Keyed by folded name (columns.fold), as the catalog's own uniqueness is.
    return {
        column: {
            key: entry_id
            for key, entry_id in db.session.execute(
                select(model.name_key, model.id).where(model.team_id == g.team_id)
            )
        }
        for column, model in (("category", Category), ("supplier", Supplier))
    }


def _row_fields(record: dict, header: list[str], catalog: dict) -> dict[str, Any]:
    """Turn one CSV record into validated item fields (only the columns present)."""
    if "__extra__" in record:
        raise RowError([{"field": None, "message": "More cells than columns."}])
    cells = {
        name: cell_value(name, record.get(raw) or "")
        for name, raw in zip(header, record, strict=False)
    }
    problems, raw = [], {}
    for name, cell in cells.items():
        try:
            raw.update(convert_cell(name, cell, catalog))
        except ValueError as exc:
            problems.append({"field": name, "message": str(exc)})
    try:
        validated = ItemCreate.model_validate(raw).model_dump()
    except ValidationError as exc:
        # Report the schema's complaints too, except about cells that could
        # not even be converted (those are already reported).
        unconverted = {problem["field"] for problem in problems}
        for problem in invalid_input(exc).errors:
            column = _COLUMN_FOR_FIELD.get(problem["field"], problem["field"])
            if column.split(".")[0] not in unconverted:
                problems.append({**problem, "field": column})
    if problems:
        raise RowError(problems)
    present = {_FIELD_FOR_COLUMN.get(name, name) for name in cells}
    return {name: value for name, value in validated.items() if name in present}


_FIELD_FOR_COLUMN = {"category": "category_id", "supplier": "supplier_id"}
_COLUMN_FOR_FIELD = {value: key for key, value in _FIELD_FOR_COLUMN.items()}


def plan_import(rows: list[ImportRow]) -> list[ImportRow]:
    """Match rows to the team's items by SKU and work out what would change."""
    skus = [row.fields["sku"] for row in rows if row.fields.get("sku")]
    existing = {}
    if skus:
        found = item_store.find_items_by_sku(skus)
        existing = {item.sku.lower(): item for item in found}
    for row in rows:
        row.item = existing.get((row.fields.get("sku") or "").lower())
        if row.item is not None:
            row.changes = item_changes(row.item, row.fields)
            row.action = "update" if row.changes else "unchanged"
    return rows


def apply_import(rows: list[ImportRow]) -> None:
    """Create and update the items in the current transaction, with history."""
    for row in rows:
        if row.item is None:
            row.item = add_item(row.fields)  # with history and opening balance
        elif row.changes:
            locked = lock_item(row.item.id, None)
            _, row.changes = edit_item(locked, row.fields, note="CSV import")
