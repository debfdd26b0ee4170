"""Inventory items: create, find, read, update and delete the current team's items."""

from typing import Any

from flask import Blueprint, g, jsonify, request, url_for
from sqlalchemy.engine import Row

from domain import item_store
from domain.history import record_item_history
from domain.idempotency import idempotent, remember_response
from domain.item_edits import (
    add_item,
    edit_item,
    etag_headers,
    expected_versions,
    lock_item,
)
from domain.item_fields import item_to_dict
from domain.teams import require_member
from errors import APIError
from extensions import db
from models import Category, Supplier
from plumbing.error_examples import SKU_TAKEN
from plumbing.item_shapes import ItemDeleted, ItemList, ItemRead, ItemSaved
from plumbing.operations import ITEM_WRITE, documented
from query_strings import InventoryQuery, parse_query
from routes.auth import login_required, require_admin
from schemas import ItemCreate, ItemUpdate, parse_body

bp = Blueprint("inventory", __name__, url_prefix="/inventory")


def get_owned_item(item_id: int) -> Row:
    """Return the team's item, or 404 whether it is missing or another team's."""
    item = item_store.read_item(item_id)
    if item is None:
        require_member()  # "Team not found." if that is why
        raise APIError(404, "Item not found.")
    return item


def check_item_fields(fields: dict[str, Any], item_id: int | None = None) -> None:
    """Refuse references to missing categories/suppliers (400) and reused SKUs (409)."""
    errors = [
        {"field": field, "message": f"No {model.history_type} with id {fields[field]}."}
        for field, model in (("category_id", Category), ("supplier_id", Supplier))
        if fields.get(field) is not None
        and not in_team(db.session.get(model, fields[field]))
    ]
    if errors:
        require_member()  # outside the team, that is the answer: 404
        raise APIError(400, "Validation failed.", errors)
    sku = fields.get("sku")
    if sku is not None and item_store.sku_in_use(sku, item_id):
        message = f"Your team already has an item with SKU {sku}."
        raise APIError(
            409, "SKU already in use.", [{"field": "sku", "message": message}]
        )


def in_team(entry: Category | Supplier | None) -> bool:
    """Whether a catalog entry exists in the request's team."""
    return entry is not None and entry.team_id == g.team_id


def item_view(item: Row, with_owner: bool = False) -> dict[str, Any]:
    """Return the item's JSON; with its team and owner in the site admin's audit."""
    view = item_to_dict(item)
    if with_owner:
        view["owner"] = {"id": item.user_id, "username": item.owner_username}
        view["team"] = {"id": item.team_id, "name": item.team_name}
    return view


# Item writes need the team admin role, which item_store's statements check
# themselves (a staff member's write matches no row: 403), so they take
# login_required here rather than team_admin_required's separate question.
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
    """Add an item (team admins)."""
    fields = parse_body(ItemCreate).model_dump()
    check_item_fields(fields)
    item = add_item(fields)  # with its history row and opening balance
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
    items, pagination = item_store.list_page(query)
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
    """Show one of your team's items (its version is the ETag)."""
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
    """Change an item's fields (partial; team admins)."""
    fields = parse_body(ItemUpdate).model_dump(exclude_unset=True)
    check_item_fields(fields, item_id=item_id)
    locked = lock_item(item_id, expected_versions())
    item, _ = edit_item(locked, fields)  # with its history row
    db.session.commit()
    body = {
        "status": "successful",
        "message": "Item updated successfully!",
        "item_id": item.id,  # the core contract's field, kept for its clients
        "item": item_to_dict(item),
    }
    return body, etag_headers(item)


@bp.delete("/<int:item_id>")
@login_required
@documented(ItemDeleted, errors=(401, 404, 412), headers=("If-Match",))
def delete_item(item_id: int):
    """Delete an item (team admins; its history stays)."""
    item = lock_item(item_id, expected_versions())
    record_item_history(g.user_id, "delete", item)
    item_store.delete_item(item)
    db.session.commit()
    return {
        "status": "successful",
        "message": "Item deleted successfully!",
        "item_id": item_id,  # the core contract's field, kept for its clients
    }
