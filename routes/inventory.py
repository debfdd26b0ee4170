"""Inventory items: create, find, read, update and delete the caller's own items."""

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from sqlalchemy import Select, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import selectinload

from domain import item_store
from domain.history import record_item_history
from domain.idempotency import idempotent, remember_response
from domain.item_edits import edit_item, etag_headers, expected_versions, lock_item
from domain.item_fields import item_to_dict, to_cents
from errors import APIError
from extensions import db
from models import (
    Category,
    Item,
    ItemTag,
    Supplier,
)
from plumbing.openapi import (
    ITEM_WRITE,
    SKU_TAKEN,
    ItemDeleted,
    ItemList,
    ItemRead,
    ItemSaved,
    documented,
)
from plumbing.pagination import paginate
from plumbing.search import matches_search
from routes.auth import login_required, require_admin
from schemas import (
    InventoryFilters,
    InventoryQuery,
    ItemCreate,
    ItemUpdate,
    parse_body,
    parse_query,
)

bp = Blueprint("inventory", __name__, url_prefix="/inventory")

SORT_COLUMNS = {
    "item_name": Item.item_name,
    "quantity": Item.quantity,
    "price": Item.price_cents,
    "created_at": Item.created_at,
    "updated_at": Item.updated_at,
}


def get_owned_item(item_id: int) -> Row:
    """Return the caller's item, or 404 whether it is missing or someone else's."""
    item = item_store.read_item(item_id)
    if item is None:
        raise APIError(404, "Item not found.")
    return item


def check_item_fields(fields: dict[str, Any], item_id: int | None = None) -> None:
    """Refuse references to missing categories/suppliers (400) and reused SKUs (409)."""
    errors = [
        {"field": field, "message": f"No {model.history_type} with id {fields[field]}."}
        for field, model in (("category_id", Category), ("supplier_id", Supplier))
        if fields.get(field) is not None
        and db.session.get(model, fields[field]) is None
    ]
    if errors:
        raise APIError(400, "Validation failed.", errors)
    sku = fields.get("sku")
    if sku is not None and item_store.sku_in_use(sku, item_id):
        message = f"You already have an item with SKU {sku}."
        raise APIError(
            409, "SKU already in use.", [{"field": "sku", "message": message}]
        )


def find_items(query: InventoryFilters, everyone: bool = False) -> Select:
    """Build the SELECT for the caller's (or everyone's) items, filtered and sorted."""
    stmt = select(Item).options(
        selectinload(Item.category),
        selectinload(Item.supplier),
    )
    if everyone:
        stmt = stmt.options(selectinload(Item.owner))
    else:
        stmt = stmt.where(Item.user_id == g.user_id)
    if query.q is not None:
        stmt = stmt.where(matches_search(Item, query.q))
    for field in ("category_id", "supplier_id", "status"):
        if getattr(query, field) is not None:
            stmt = stmt.where(getattr(Item, field) == getattr(query, field))
    if query.tag is not None:
        stmt = stmt.where(
            Item.id.in_(select(ItemTag.item_id).where(ItemTag.tag == query.tag))
        )
    if query.low_stock:
        stmt = stmt.where(Item.quantity <= Item.reorder_level)
    if query.min_quantity is not None:
        stmt = stmt.where(Item.quantity >= query.min_quantity)
    if query.max_quantity is not None:
        stmt = stmt.where(Item.quantity <= query.max_quantity)
    if query.min_price is not None:
        stmt = stmt.where(Item.price_cents >= to_cents(query.min_price))
    if query.max_price is not None:
        stmt = stmt.where(Item.price_cents <= to_cents(query.max_price))
    return stmt.order_by(*_sort_order(query.sort))


def shows_every_item(query: InventoryQuery) -> bool:
    """Whether the list holds all of the caller's items (sorted, but not filtered)."""
    filters = InventoryFilters.model_fields.keys() - {"sort"}
    # "is", not "==": a filter such as max_quantity=0 equals False.
    unset = (getattr(query, name) for name in filters)
    return not query.all_users and all(
        value is None or value is False for value in unset
    )


def _sort_order(sort: str | None) -> list:
    if sort is None:
        return [Item.id]
    descending = sort.startswith("-")
    column = SORT_COLUMNS[sort.removeprefix("-")]
    # The id breaks ties so that pages never overlap or skip rows.
    if descending:
        return [column.desc(), Item.id.desc()]
    return [column.asc(), Item.id.asc()]


def item_view(item: Item, with_owner: bool = False) -> dict[str, Any]:
    """Return the item's JSON, with its owner when an admin lists everyone's."""
    view = item_to_dict(item)
    if with_owner:
        view["owner"] = {"id": item.owner.id, "username": item.owner.username}
    return view


@bp.post("")
@login_required
@idempotent
@documented(
    ItemSaved,
    success=201,
    errors=(400, 401, 409, 415, 422),
    body=ItemCreate,
    headers=("Idempotency-Key",),
    examples={409: SKU_TAKEN},
)
def create_item():
    """Add an item."""
    fields = parse_body(ItemCreate).model_dump()
    check_item_fields(fields)
    item = item_store.insert_item(fields)
    record_item_history(g.user_id, "create", item)
    body = {
        "status": "successful",
        "message": "Item created successfully!",
        "item_id": item.id,
        "item": item_to_dict(item),
    }
    headers = {"Location": url_for(".get_item", item_id=item.id), **etag_headers(item)}
    remember_response(body, 201, headers)
    db.session.commit()
    return body, 201, headers


@bp.get("")
@login_required
@documented(ItemList, errors=(400, 401, 403), query=InventoryQuery)
def list_items():
    """List your items, filtered and sorted (admins: all=true for everyone's)."""
    query = parse_query(InventoryQuery)
    if query.all_users:
        require_admin()
    stmt = find_items(query, everyone=query.all_users)
    # All of the caller's items: their count is kept on the user row.
    known_total = g.user.item_count if shows_every_item(query) else None
    items, pagination = paginate(stmt, query, total=known_total)
    return {
        "status": "successful",
        "message": "Items retrieved successfully!",
        "items": [item_view(item, with_owner=query.all_users) for item in items],
        "pagination": pagination,
    }


@bp.get("/<int:item_id>")
@login_required
@documented(
    ItemRead,
    errors=(401, 404),
    extra_statuses={304: "Not modified (If-None-Match matched)."},
)
def get_item(item_id: int):
    """Show one of your items (its version is the ETag)."""
    item = get_owned_item(item_id)
    response = jsonify(
        {
            "status": "successful",
            "message": "Item retrieved successfully!",
            "item": item_to_dict(item),
        }
    )
    response.set_etag(str(item.version))
    if request.if_none_match:
        # The client has a copy: 304 Not Modified if it is still current.
        response = response.make_conditional(request)
    return response


@bp.route("/<int:item_id>", methods=["PUT", "PATCH"])
@login_required
@documented(
    ItemSaved,
    errors=ITEM_WRITE,
    body=ItemUpdate,
    headers=("If-Match",),
    examples={409: SKU_TAKEN},
)
def update_item(item_id: int):
    """Change an item's fields (partial)."""
    fields = parse_body(ItemUpdate).model_dump(exclude_unset=True)
    check_item_fields(fields, item_id=item_id)
    locked = lock_item(item_id, expected_versions())
    item, changes = edit_item(locked, fields)
    record_item_history(g.user_id, "update", item, changes)
    db.session.commit()
    body = {
        "status": "successful",
        "message": "Item updated successfully!",
        "item_id": item.id,  # as the original API answered
        "item": item_to_dict(item),
    }
    return body, etag_headers(item)


@bp.delete("/<int:item_id>")
@login_required
@documented(ItemDeleted, errors=(401, 404, 412), headers=("If-Match",))
def delete_item(item_id: int):
    """Delete an item (its history stays)."""
    item = lock_item(item_id, expected_versions())
    record_item_history(g.user_id, "delete", item)
    item_store.delete_item(item)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Item deleted successfully!",
        "item_id": item_id,  # as the original API answered
    }
