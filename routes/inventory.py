"""Inventory items: create, list, read, update and delete the caller's own items."""

from flask import Blueprint, g, url_for
from sqlalchemy import select

from errors import APIError
from extensions import db
from models import MAX_ID, Item, record_history
from pagination import paginate
from routes.auth import login_required
from schemas import InventoryQuery, ItemCreate, ItemUpdate, parse_body, parse_query

bp = Blueprint("inventory", __name__, url_prefix="/inventory")


def get_owned_item(item_id: int) -> Item:
    """Return the caller's item, or 404 whether it is missing or someone else's."""
    item = db.session.get(Item, item_id) if item_id <= MAX_ID else None
    if item is None or item.user_id != g.user.id:
        raise APIError(404, "Item not found.")
    return item


@bp.post("")
@login_required
def create_item():
    """Add an item to the caller's inventory."""
    data = parse_body(ItemCreate)
    item = Item(user_id=g.user.id, **data.model_dump())
    db.session.add(item)
    db.session.flush()  # assigns item.id for the history row
    record_history(g.user, "create", item)
    db.session.commit()
    body = {
        "status": "successful",
        "message": "Item created successfully!",
        "item_id": item.id,
        "item": item.to_dict(),
    }
    return body, 201, {"Location": url_for(".get_item", item_id=item.id)}


@bp.get("")
@login_required
def list_items():
    """List the caller's items, one page at a time."""
    query = parse_query(InventoryQuery)
    stmt = select(Item).where(Item.user_id == g.user.id).order_by(Item.id)
    items, pagination = paginate(stmt, query)
    return {
        "status": "successful",
        "items": [item.to_dict() for item in items],
        "pagination": pagination,
    }


@bp.get("/<int:item_id>")
@login_required
def get_item(item_id: int):
    """Show one of the caller's items."""
    return {"status": "successful", "item": get_owned_item(item_id).to_dict()}


@bp.route("/<int:item_id>", methods=["PUT", "PATCH"])
@login_required
def update_item(item_id: int):
    """Change the fields sent; fields not sent keep their values."""
    item = get_owned_item(item_id)
    data = parse_body(ItemUpdate)
    changes = item.apply_changes(data.model_dump(exclude_unset=True))
    record_history(g.user, "update", item, changes)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Item updated successfully!",
        "item": item.to_dict(),
    }


@bp.delete("/<int:item_id>")
@login_required
def delete_item(item_id: int):
    """Delete one of the caller's items (its history stays)."""
    item = get_owned_item(item_id)
    record_history(g.user, "delete", item)
    db.session.delete(item)
    db.session.commit()
    return {"status": "successful", "message": "Item deleted successfully!"}
