"""An item's fields: as the API shows them, and as the inventory table stores them."""

from datetime import date
from typing import Any

from sqlalchemy.engine import Row

from domain.history import preview_changes


def item_to_dict(item: Row) -> dict[str, Any]:
    """Return an item row (item_statements.ITEM_COLUMNS) as the API shows it."""
    # One lookup per field through the row's mapping: reading a row's
    # attributes costs about ten times as much, and a page shows 50 items.
    row = item._mapping
    return {
        "id": row["id"],
        "item_name": row["item_name"],
        "description": row["description"],
        "quantity": row["quantity"],
        "price": from_cents(row["price_cents"]),
        "sku": row["sku"],
        "category_id": row["category_id"],
        "category_name": row["category_name"],
        "supplier_id": row["supplier_id"],
        "supplier_name": row["supplier_name"],
        "cost_price": from_cents(row["cost_price_cents"]),
        "reorder_level": row["reorder_level"],
        "status": row["status"],
        "expiry_date": iso_date(row["expiry_date"]),
        "low_stock": row["quantity"] <= row["reorder_level"],
        "version": row["version"],
        "metadata": full_metadata(row["metadata_"]),
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def iso_date(day: date | None) -> str | None:
    """Return a date as the API shows it, "YYYY-MM-DD" (None stays None)."""
    return None if day is None else day.isoformat()


def to_cents(amount: float | None) -> int | None:
    """Return an amount of money in whole cents (None stays None)."""
    # The schema allows at most two decimals, so rounding only removes binary
    # noise such as 1200.07 * 100 == 120007.00000000001.
    return None if amount is None else round(amount * 100)


def from_cents(cents: int | None) -> float | None:
    """Return whole cents as the API's decimal amount (None stays None)."""
    return None if cents is None else cents / 100


def full_metadata(metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Return an item's metadata with every key present (defaults filled in)."""
    return {"tags": [], **METADATA_DEFAULTS, **(metadata or {})}


# Every key of an item's metadata, with the value it has when not given.
METADATA_DEFAULTS: dict[str, Any] = {
    "specifications": {},
    "care_instructions": None,
    "seo_title": None,
    "seo_description": None,
    "vendor_notes": None,
}


def stored_values(fields: dict[str, Any]) -> dict[str, Any]:
    """Translate API fields (price, cost_price, metadata) into column values."""
    values = {}
    for field, value in fields.items():
        if field in ("price", "cost_price"):
            values[f"{field}_cents"] = to_cents(value)
        elif field == "metadata":
            values["metadata"] = full_metadata(value)
        else:
            values[field] = value
    return values


def item_changes(item, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Return which of ``fields`` would change the item, as preview_changes does."""
    if fields.get("metadata") is not None:
        # Stored with every key: compare like with like.
        fields = {**fields, "metadata": full_metadata(fields["metadata"])}
    if "expiry_date" in fields:
        # Shown (and kept in history) as text.
        fields = {**fields, "expiry_date": iso_date(fields["expiry_date"])}
    return preview_changes(item_to_dict(item), fields)
