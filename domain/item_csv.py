"""CSV export and import of items.

One row per item, with these columns (the header row names them):

    sku, item_name, description, quantity, price, cost_price, reorder_level,
    status, category, supplier, metadata

``category`` and ``supplier`` are names (the catalog is shared, so a file
exported by one user imports for another); ``metadata`` is the item's metadata
object as JSON. Numbers are written the same way every time, so exporting,
importing and exporting again gives an identical file, and every text comes
back exactly as it was stored.

Escaping, so that no cell starts a spreadsheet formula and every value still
comes back byte for byte:

* A value starting with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or
  a line feed (what spreadsheets run as a formula), or with ``'`` itself, is
  written with one more ``'`` in front. The import removes exactly one leading
  ``'`` from every cell, so ``'=SUM(A1)`` imports as ``=SUM(A1)`` and
  ``''quoted`` as ``'quoted``. (To import a value that really starts with
  ``'``, write ``''``.)
* An empty cell means "no value" (no description, no cost price, ...); an
  empty description is written as a lone ``'``.
* ``item_name`` and ``description`` are read exactly as written, blanks and
  line breaks included (the API itself trims item names). Blanks around the
  other cells (numbers, SKUs, names, status, metadata) are ignored.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import g
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.engine import Row

from columns import fold
from domain import item_store
from domain.history import record_item_history
from domain.item_edits import edit_item, lock_item
from domain.item_fields import full_metadata, item_changes
from errors import APIError, invalid_input
from extensions import db
from field_types import BLANK, MAX_AMOUNT
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
    "category",
    "supplier",
    "metadata",
)
REQUIRED_COLUMNS = ("item_name", "quantity", "price")
# Read exactly as written; blanks around the other columns' cells mean nothing.
VERBATIM_COLUMNS = ("item_name", "description")
ESCAPE = "'"
# What spreadsheets take for the start of a formula (OWASP's list, plus a line
# feed), and the escape itself, so that removing one escape is always right.
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", ESCAPE)
INTEGER = re.compile(r"[0-9]+")
DECIMAL = re.compile(r"([0-9]+)(\.[0-9]+)?")
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
            item.category_name,
            item.supplier_name,
            json.dumps(
                full_metadata(item.metadata_), sort_keys=True, ensure_ascii=False
            ),
        ]
        yield [escape_cell(value) for value in values]


def _money(cents: int | None) -> str | None:
    return None if cents is None else f"{cents // 100}.{cents % 100:02d}"


def escape_cell(value: str | None) -> str:
    """Write ``value`` as a cell no spreadsheet runs, which ``unescape_cell`` undoes."""
    if value is None:
        return ""
    if value == "" or value.startswith(ESCAPED_STARTS):
        return ESCAPE + value
    return value


def unescape_cell(cell: str) -> str | None:
    """Return the value an exported cell stands for (None for an empty cell)."""
    if cell == "":
        return None
    return cell.removeprefix(ESCAPE)


# --- Import -----------------------------------------------------------------


@dataclass
class ImportRow:
    """One valid data row, and what importing it means."""

    number: int  # as a spreadsheet counts: the header is row 1
    fields: dict[str, Any]
    item: Row | None = None  # the caller's item with this SKU, if any
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
            for key, entry_id in db.session.execute(select(model.name_key, model.id))
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


def cell_value(column: str, cell: str) -> str | None:
    """Return what a raw cell holds: trimmed (unless verbatim), then unescaped."""
    if column not in VERBATIM_COLUMNS:
        cell = cell.strip(BLANK)
    return unescape_cell(cell)


def convert_cell(column: str, cell: str | None, catalog: dict) -> dict[str, Any]:
    """Convert one cell's value (None: empty) to what the item schema expects."""
    if column in ("quantity", "reorder_level"):
        if column == "reorder_level" and cell is None:
            return {}
        return {column: _whole_number(cell or "")}
    if column in ("price", "cost_price"):
        if column == "cost_price" and cell is None:
            return {column: None}
        return {column: _amount(cell or "")}
    if column in ("category", "supplier"):
        if cell is None:
            return {f"{column}_id": None}
        catalog_id = catalog[column].get(fold(cell))
        if catalog_id is None:
            raise ValueError(f"No {column} named {shortened(cell)!r}.")
        return {f"{column}_id": catalog_id}
    if column == "metadata":
        if cell is None:
            return {}
        try:
            return {"metadata": json.loads(cell)}
        except (ValueError, RecursionError):
            raise ValueError("Must be a JSON object.") from None
    if column == "status" and cell is None:
        return {}
    if column in ("sku", "description") and cell is None:
        return {column: None}
    return {column: "" if cell is None else cell}


# Digits beyond this many (leading zeros aside) cannot be a valid amount; they
# are refused before int() or float() sees them, which would otherwise answer
# with Python's own complaint past 4 300 digits.
_MAX_DIGITS = len(str(MAX_AMOUNT))
_TOO_LARGE = f"Input should be less than or equal to {MAX_AMOUNT}"


def _whole_number(cell: str) -> int:
    if not INTEGER.fullmatch(cell):
        raise ValueError("Must be a whole number, 0 or more.")
    digits = cell.lstrip("0") or "0"
    if len(digits) > _MAX_DIGITS:
        raise ValueError(_TOO_LARGE)
    return int(digits)


def _amount(cell: str) -> float:
    match = DECIMAL.fullmatch(cell)
    if match is None:
        raise ValueError("Must be a number such as 12 or 12.50.")
    if len(match[1].lstrip("0")) > _MAX_DIGITS:
        raise ValueError(_TOO_LARGE)
    return float(cell)


def shortened(text: str, length: int = 60) -> str:
    """Return ``text`` cut to ``length`` characters, for quoting in a message."""
    # Error messages quote the client's cell, but never a megabyte of it.
    return text if len(text) <= length else text[:length] + "..."


def plan_import(rows: list[ImportRow]) -> list[ImportRow]:
    """Match rows to the caller's items by SKU and work out what would change."""
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
            row.item = item_store.insert_item(row.fields)
            record_item_history(g.user_id, "create", row.item)
        elif row.changes:
            locked = lock_item(row.item.id, None)
            item, row.changes = edit_item(locked, row.fields, note="CSV import")
            record_item_history(g.user_id, "update", item, row.changes)
