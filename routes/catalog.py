"""The CRUD that categories and suppliers share: two method views and register_api().

Each team has its own catalog: its members may read it, its admins change it
(team roles, see domain/teams.py), and another team's entries answer 404. Both resources
behave identically, so one pair of views serves both, as in Flask's method
views pattern: ``EntryList`` answers ``/<plural>`` and ``EntryDetail``
answers ``/<plural>/<id>``; ``register_api()`` routes a resource's blueprint
to them and describes each operation for the OpenAPI document.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, g, url_for
from flask.views import MethodView
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute

from columns import MAX_ID, CatalogEntry, fold
from domain import item_store
from domain.history import preview_changes, record_history
from errors import APIError
from extensions import db
from plumbing.error_examples import error_example, field_error
from plumbing.operations import ADMIN, documented
from plumbing.pagination import paginate
from plumbing.response_shapes import Message
from plumbing.search import matches_search
from query_strings import SearchQuery, parse_query
from routes.auth import team_admin_required, team_member_required
from schemas import parse_body


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

    @property
    def title(self) -> str:
        return self.singular.capitalize()


class CatalogView(MethodView):
    """What both views share: the resource they serve and its two checks."""

    # Built once per route: a view holds only its resource, no request state.
    init_every_request = False

    def __init__(self, resource: CatalogResource) -> None:
        self.resource = resource
        self.model = resource.model

    def get_entry(self, entry_id: int) -> CatalogEntry:
        """Return the team's entry with this id, or raise 404."""
        entry = db.session.get(self.model, entry_id) if entry_id <= MAX_ID else None
        if entry is None or entry.team_id != g.team_id:
            raise APIError(404, f"{self.resource.title} not found.")
        return entry

    def ensure_name_available(
        self, name: str | None, entry_id: int | None = None
    ) -> None:
        """Raise 409 if another of the team's entries has this name (ignoring case)."""
        if name is None:
            return
        same_name = select(self.model.id).where(
            self.model.team_id == g.team_id,
            self.model.name_key == fold(name),
            self.model.id != entry_id,
        )
        if db.session.scalar(same_name) is not None:
            message = f"A {self.resource.singular} named {name!r} already exists."
            raise APIError(
                409,
                f"{self.resource.title} name already in use.",
                [{"field": "name", "message": message}],
            )


def apply_changes(entry: CatalogEntry, fields: dict[str, Any]) -> dict[str, list[Any]]:
    """Set ``fields`` on the entry; return those that changed as {field: [old, new]}."""
    current = {field: getattr(entry, field) for field in fields}
    changes = preview_changes(current, fields)
    for field, new in fields.items():
        setattr(entry, field, new)
    return changes


def entry_view(entry: CatalogEntry) -> dict[str, Any]:
    """Return a category or supplier as the API shows it."""
    return {
        "id": entry.id,
        **{field: getattr(entry, field) for field in entry.EDITABLE_FIELDS},
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
    }


class EntryList(CatalogView):
    """/<plural>: the entries by name, and new ones."""

    @team_member_required
    def get(self):
        """List entries by name, paginated, optionally searched with q."""
        query = parse_query(SearchQuery)
        stmt = (
            select(self.model)
            .where(self.model.team_id == g.team_id)
            .order_by(self.model.name_key, self.model.id)
        )
        if query.q is not None:
            stmt = stmt.where(matches_search(self.model, query.q))
        entries, pagination = paginate(stmt, query)
        return {
            "status": "successful",
            self.resource.plural: [entry_view(entry) for entry in entries],
            "pagination": pagination,
        }

    @team_admin_required
    def post(self):
        """Add an entry (team admins only)."""
        fields = parse_body(self.resource.create_schema).model_dump()
        self.ensure_name_available(fields["name"])
        entry = self.model(team_id=g.team_id)
        apply_changes(entry, fields)
        db.session.add(entry)
        db.session.flush()  # assigns entry.id for the history row
        record_history(g.user_id, "create", entry)
        db.session.commit()
        body = {
            "status": "successful",
            "message": f"{self.resource.title} created successfully!",
            self.resource.singular: entry_view(entry),
        }
        location = url_for(".get_entry_view", entry_id=entry.id)
        return body, 201, {"Location": location}


class EntryDetail(CatalogView):
    """/<plural>/<id>: one entry, to read, change or delete."""

    @team_member_required
    def get(self, entry_id: int):
        """Show one entry."""
        return {
            "status": "successful",
            self.resource.singular: entry_view(self.get_entry(entry_id)),
        }

    @team_admin_required
    def put(self, entry_id: int):
        """Change the fields sent (team admins only)."""
        entry = self.get_entry(entry_id)
        schema = self.resource.update_schema
        fields = parse_body(schema).model_dump(exclude_unset=True)
        self.ensure_name_available(fields.get("name"), entry.id)
        changes = apply_changes(entry, fields)
        record_history(g.user_id, "update", entry, changes)
        db.session.commit()
        return {
            "status": "successful",
            "message": f"{self.resource.title} updated successfully!",
            self.resource.singular: entry_view(entry),
        }

    patch = put  # both change only the fields sent

    @team_admin_required
    def delete(self, entry_id: int):
        """Delete an entry no item uses (team admins only); 409 otherwise."""
        entry = self.get_entry(entry_id)
        item_count = item_store.count_items_using(self.resource.item_column, entry.id)
        title = self.resource.title
        if item_count:
            noun = "item uses" if item_count == 1 else "items use"
            raise APIError(
                409, f"{title} is in use: {item_count} {noun} it. Reassign them first."
            )
        record_history(g.user_id, "delete", entry)
        db.session.delete(entry)
        db.session.commit()
        return {"status": "successful", "message": f"{title} deleted successfully!"}


def register_api(bp: Blueprint, resource: CatalogResource) -> None:
    """Route ``bp``'s "" and "/<id>" to the catalog views, each operation documented.

    Each operation is an endpoint of its own (``categories.create_entry``...):
    url_for, the OpenAPI operation ids and the tests name them.
    """
    described = _operations(resource)
    for rule, view_class, endpoint, methods in (
        ("", EntryList, "list_entries", ["GET"]),
        ("", EntryList, "create_entry", ["POST"]),
        ("/<int:entry_id>", EntryDetail, "get_entry_view", ["GET"]),
        ("/<int:entry_id>", EntryDetail, "update_entry", ["PUT", "PATCH"]),
        ("/<int:entry_id>", EntryDetail, "delete_entry", ["DELETE"]),
    ):
        view = described[endpoint](view_class.as_view(endpoint, resource))
        bp.add_url_rule(rule, view_func=view, methods=methods)


def _operations(resource: CatalogResource) -> dict[str, Callable]:
    """Describe each endpoint of ``resource`` for the OpenAPI document.

    One view serves two resources, so the summaries are written here, with
    the resource's noun, instead of coming from the methods' docstrings.
    """
    noun, plural, title = resource.singular, resource.plural, resource.title
    name_taken = {
        "name_taken": error_example(
            "The name is taken",
            f"{title} name already in use.",
            field_error("name", f"A {noun} named 'Tools' already exists."),
        )
    }
    in_use = {
        "in_use": error_example(
            "Items still use it",
            f"{title} is in use: 3 items use it. Reassign them first.",
        )
    }
    return {
        "list_entries": documented(
            resource.list_shape,
            errors=(400, 401, 404),
            query=SearchQuery,
            summary=f"List {plural} by name",
        ),
        "create_entry": documented(
            resource.message_shape,
            success=201,
            errors=(400, *ADMIN, 404, 409, 415),
            body=resource.create_schema,
            examples={409: name_taken},
            summary=f"Create a {noun} (team admins)",
        ),
        "get_entry_view": documented(
            resource.one_shape, errors=(401, 404), summary=f"Show one {noun}"
        ),
        "update_entry": documented(
            resource.message_shape,
            errors=(400, *ADMIN, 404, 409, 415),
            body=resource.update_schema,
            examples={409: name_taken},
            summary=f"Change a {noun} (team admins)",
        ),
        "delete_entry": documented(
            Message,
            errors=(*ADMIN, 404, 409),
            extra_statuses={409: f"{title} still used by items."},
            examples={409: in_use},
            summary=f"Delete an unused {noun} (team admins)",
        ),
    }
