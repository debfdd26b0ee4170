"""One cell of the items CSV: escaping it on export, reading it back on import.

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

import json
import re
from datetime import date
from typing import Any

from columns import fold
from field_types import BLANK, MAX_AMOUNT

# Read exactly as written; blanks around the other columns' cells mean nothing.
VERBATIM_COLUMNS = ("item_name", "description")
ESCAPE = "'"
# What spreadsheets take for the start of a formula (OWASP's list, plus a line
# feed), and the escape itself, so that removing one escape is always right.
ESCAPED_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", ESCAPE)
INTEGER = re.compile(r"[0-9]+")
DECIMAL = re.compile(r"([0-9]+)(\.[0-9]+)?")


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
    if column == "expiry_date":
        return {column: None if cell is None else _date(cell)}
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


def _date(cell: str) -> date:
    try:
        if len(cell) == 10:  # fromisoformat alone would also read 20261231
            return date.fromisoformat(cell)
    except ValueError:
        pass
    raise ValueError("Must be a date such as 2026-12-31.")


def shortened(text: str, length: int = 60) -> str:
    """Return ``text`` cut to ``length`` characters, for quoting in a message."""
    # Error messages quote the client's cell, but never a megabyte of it.
    return text if len(text) <= length else text[:length] + "..."
