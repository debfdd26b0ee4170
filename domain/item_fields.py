"""An item's fields: as the API shows them, and as the inventory table stores them."""

from typing import Any

from models import preview_changes


def item_to_dict(item) -> dict[str, Any]:
    """Return an item as the API shows it.

    ``item`` is an Item or a database row with the same attribute names (see
    item_store.ITEM_COLUMNS): the hot paths read rows, not ORM objects.
    """
    return {
        "id": item.id,
        "item_name": item.item_name,
        "description": item.description,
        "quantity": item.quantity,
        "price": from_cents(item.price_cents),
        "sku": item.sku,
        "category_id": item.category_id,
        "category_name": item.category_name,
        "supplier_id": item.supplier_id,
        "supplier_name": item.supplier_name,
        "cost_price": from_cents(item.cost_price_cents),
        "reorder_level": item.reorder_level,
        "status": item.status,
        "low_stock": item.quantity <= item.reorder_level,
        "version": item.version,
        "metadata": full_metadata(item.metadata_),
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }


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
    return preview_changes(item_to_dict(item), fields)
