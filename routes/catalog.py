"""Shared CRUD for catalog resources (categories, suppliers).

Everyone logged in may read the catalog; only admins change it. Both resources
behave identically, so their views are built here once from a description of
the resource instead of being written out twice.
"""

from dataclasses import dataclass

from flask import Blueprint, g, url_for
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute

from errors import APIError
from extensions import db
from models import MAX_ID, CatalogEntry, fold, record_history
from plumbing.openapi import ADMIN, Message, documented, error_example, field_error
from plumbing.pagination import paginate
from plumbing.search import matches_search
from routes.auth import admin_required, login_required
from schemas import SearchQuery, parse_body, parse_query


@dataclass(frozen=True)
class CatalogResource:
    """What differs between two catalog resources."""

    model: type[CatalogEntry]
    create_schema: type[BaseModel]
    update_schema: type[BaseModel]
    # The Item column that points at this resource (for "in use" checks).
    item_column: InstrumentedAttribute
    singular: str  # "category"
    plural: str  # "categories"
    # The shapes of its answers, for the OpenAPI document: one entry, a page
    # of them, and one with a message (after a change).
    one_shape: type[BaseModel]
    list_shape: type[BaseModel]
    message_shape: type[BaseModel]


def catalog_blueprint(resource: CatalogResource) -> Blueprint:
    """Build the blueprint serving /<plural> for ``resource``."""
    bp = Blueprint(resource.plural, __name__, url_prefix=f"/{resource.plural}")
    model, title = resource.model, resource.singular.capitalize()
    noun, plural = resource.singular, resource.plural
    name_taken = {
        "name_taken": error_example(
            "The name is taken",
            f"{title} name already in use.",
            field_error("name", f"A {noun} named 'Tools' already exists."),
        )
    }

    def get_entry(entry_id: int) -> CatalogEntry:
        entry = db.session.get(model, entry_id) if entry_id <= MAX_ID else None
        if entry is None:
            raise APIError(404, f"{title} not found.")
        return entry

    def ensure_name_available(name: str | None, entry_id: int | None = None) -> None:
        if name is None:
            return
        same_name = select(model.id).where(
            model.name_key == fold(name), model.id != entry_id
        )
        if db.session.scalar(same_name) is not None:
            message = f"A {resource.singular} named {name!r} already exists."
            raise APIError(
                409,
                f"{title} name already in use.",
                [{"field": "name", "message": message}],
            )

    @bp.get("")
    @login_required
    @documented(
        resource.list_shape,
        errors=(400, 401),
        query=SearchQuery,
        summary=f"List {plural} by name",
    )
    def list_entries():
        """List entries by name, paginated, optionally searched with q."""
        query = parse_query(SearchQuery)
        stmt = select(model).order_by(model.name_key, model.id)
        if query.q is not None:
            stmt = stmt.where(matches_search(model, query.q))
        entries, pagination = paginate(stmt, query)
        return {
            "status": "successful",
            resource.plural: [entry.to_dict() for entry in entries],
            "pagination": pagination,
        }

    @bp.get("/<int:entry_id>")
    @login_required
    @documented(resource.one_shape, errors=(401, 404), summary=f"Show one {noun}")
    def get_entry_view(entry_id: int):
        """Show one entry."""
        return {
            "status": "successful",
            resource.singular: get_entry(entry_id).to_dict(),
        }

    @bp.post("")
    @admin_required
    @documented(
        resource.message_shape,
        success=201,
        errors=(400, *ADMIN, 409, 415),
        body=resource.create_schema,
        examples={409: name_taken},
        summary=f"Create a {noun} (admins)",
    )
    def create_entry():
        """Add an entry (admins only)."""
        fields = parse_body(resource.create_schema).model_dump()
        ensure_name_available(fields["name"])
        entry = model()
        entry.apply_changes(fields)
        db.session.add(entry)
        db.session.flush()  # assigns entry.id for the history row
        record_history(g.user_id, "create", entry)
        db.session.commit()
        body = {
            "status": "successful",
            "message": f"{title} created successfully!",
            resource.singular: entry.to_dict(),
        }
        location = url_for(".get_entry_view", entry_id=entry.id)
        return body, 201, {"Location": location}

    @bp.route("/<int:entry_id>", methods=["PUT", "PATCH"])
    @admin_required
    @documented(
        resource.message_shape,
        errors=(400, *ADMIN, 404, 409, 415),
        body=resource.update_schema,
        examples={409: name_taken},
        summary=f"Change a {noun} (admins)",
    )
    def update_entry(entry_id: int):
        """Change the fields sent (admins only)."""
        entry = get_entry(entry_id)
        fields = parse_body(resource.update_schema).model_dump(exclude_unset=True)
        ensure_name_available(fields.get("name"), entry.id)
        changes = entry.apply_changes(fields)
        record_history(g.user_id, "update", entry, changes)
        db.session.commit()
        return {
            "status": "successful",
            "message": f"{title} updated successfully!",
            resource.singular: entry.to_dict(),
        }

    @bp.delete("/<int:entry_id>")
    @admin_required
    @documented(
        Message,
        errors=(*ADMIN, 404, 409),
        extra_statuses={409: f"{title} still used by items."},
        examples={
            409: {
                "in_use": error_example(
                    "Items still use it",
                    f"{title} is in use: 3 items use it. Reassign them first.",
                )
            }
        },
        summary=f"Delete an unused {noun} (admins)",
    )
    def delete_entry(entry_id: int):
        """Delete an entry no item uses (admins only); 409 otherwise."""
        entry = get_entry(entry_id)
        in_use = select(func.count()).where(resource.item_column == entry.id)
        item_count = db.session.scalar(in_use)
        if item_count:
            noun = "item uses" if item_count == 1 else "items use"
            raise APIError(
                409, f"{title} is in use: {item_count} {noun} it. Reassign them first."
            )
        record_history(g.user_id, "delete", entry)
        db.session.delete(entry)
        db.session.commit()
        return {"status": "successful", "message": f"{title} deleted successfully!"}

    return bp
