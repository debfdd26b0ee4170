"""History in a shopkeeper's words: "sold 3", "category: Kitchen → Outdoor".

A history row keeps what the API changed (field names, ids, amounts as
numbers); the pages say it with names, money and dates instead.
"""

from datetime import date
from typing import Any

from flask import g
from sqlalchemy import literal, select, union_all

from dashboard import bp
from models import Category, Supplier
from plumbing.database import read_only_connection

# What the history filter's menus offer, in words.
ACTION_WORDS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "stock": "Stock movements",
    "leave": "Left the team",
    "register": "Created an account",
    "login": "Logged in",
    "logout": "Logged out",
}
ENTITY_WORDS = {
    "item": "Items",
    "category": "Categories",
    "supplier": "Suppliers",
    "member": "Members",
    "team": "Teams",
    "user": "Accounts",
}
# Coming and going, not changes: the home page leaves them to the history page.
SESSION_ACTIONS = ("register", "login", "logout")

VERBS = {
    "create": "created",
    "update": "changed",
    "delete": "deleted",
    "leave": "left the team",
    "register": "created an account",
    "login": "logged in",
    "logout": "logged out",
}
MEMBER_VERBS = {
    "create": "added member",
    "update": "changed the role of",
    "delete": "removed member",
}
NOUNS = {"user": "account", "member": "member", "team": "team"}
FIELD_LABELS = {
    "item_name": "name",
    "sku": "SKU",
    "category_id": "category",
    "supplier_id": "supplier",
    "cost_price": "cost price",
    "reorder_level": "reorder level",
    "expiry_date": "expiry date",
    "contact_name": "contact",
    "email": "e-mail",
}
MONEY_FIELDS = ("price", "cost_price")
CATALOG_FIELDS = {"category_id": "category", "supplier_id": "supplier"}


@bp.app_template_global()
def describe_change(row) -> str:
    """Say what a history row records, before the thing's name: "sold 3 of"."""
    if row.action_type == "stock":
        return movement_words(row.details or {}, row.changes or {}) + " of"
    verb = VERBS.get(row.action_type, row.action_type)
    if row.action_type in (*SESSION_ACTIONS, "leave"):
        return verb
    if row.entity_type == "member":
        return MEMBER_VERBS.get(row.action_type, verb)
    return f"{verb} {NOUNS.get(row.entity_type, row.entity_type)}"


@bp.app_template_global()
def names_its_subject(row) -> bool:
    """Whether the row's sentence ends with the thing's name."""
    return row.action_type not in (*SESSION_ACTIONS, "leave")


# A ledger row's reason as the item page names it.
REASON_WORDS = {
    "opening": "opening stock",
    "sale": "sale",
    "purchase": "delivery",
    "return": "return",
    "adjustment": "adjustment",
    "count": "stock count",
}


@bp.app_template_global()
def reason_words(reason: str) -> str:
    """Name a stock movement's reason in plain words: "opening stock", "delivery"."""
    return REASON_WORDS.get(reason, reason)


def movement_words(details: dict[str, Any], changes: dict[str, list]) -> str:
    """Say a stock movement as a person would: "sold 3", "counted 7"."""
    change = details.get("change") or 0
    reason = details.get("reason")
    if reason == "count":
        counted = changes.get("quantity", [None, change])[1]
        return f"counted {counted}"
    if reason == "sale":
        return f"sold {abs(change)}"
    if reason == "purchase":
        return f"received {abs(change)}"
    if reason == "return":
        return f"returned {abs(change)}"
    return f"wrote off {-change}" if change < 0 else f"added {change}"


@bp.app_template_global()
def change_lines(row, names: dict) -> list[str]:
    """Say each change a row records: "price: 5.00 → 6.50", names for ids."""
    lines = []
    if isinstance(row.changes, dict):
        for field, (old, new) in row.changes.items():
            if field == "metadata":
                lines += _metadata_lines(old or {}, new or {})
                continue
            label = _label(row.entity_type, field)
            shown = [_value(field, value, names) for value in (old, new)]
            lines.append(f"{label}: {shown[0]} → {shown[1]}")
    details = row.details if isinstance(row.details, dict) else {}
    if row.action_type == "create" and details.get("role"):
        lines.append(f"role: {details['role'].capitalize()}")
    if row.action_type == "stock" and details.get("note"):
        lines.append(f"note: {details['note']}")
    return lines


@bp.app_template_filter("day")
def day_words(day: date) -> str:
    """Write a date as a shop's paperwork does: "31 Dec 2026"."""
    return f"{day.day} {day:%b %Y}"


def _label(entity_type: str, field: str) -> str:
    if field == "role" and entity_type == "user":
        return "site role"
    return FIELD_LABELS.get(field, field.replace("_", " "))


def _value(field: str, value: Any, names: dict) -> str:
    """Show one recorded value in words: money, a date, a name for an id."""
    if value is None or value == "":
        return "none"
    if field in MONEY_FIELDS:
        return f"{value:,.2f}"
    if field in CATALOG_FIELDS:
        kind = CATALOG_FIELDS[field]
        return names.get((kind, value), f"a deleted {kind}")
    if field == "expiry_date":
        return day_words(date.fromisoformat(value))
    if field == "role":
        return str(value).capitalize()
    return str(value)


def _metadata_lines(old: dict, new: dict) -> list[str]:
    lines = []
    for key in sorted(set(old) | set(new)):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if key == "tags":
            lines.append(
                f"tags: {', '.join(before or []) or 'none'} → "
                f"{', '.join(after or []) or 'none'}"
            )
        elif isinstance(before, dict) or isinstance(after, dict):
            lines.append(f"{key.replace('_', ' ')} changed")
        else:
            label = key.replace("_", " ")
            lines.append(f"{label}: {before or 'none'} → {after or 'none'}")
    return lines


def catalog_names(rows) -> dict[tuple[str, int], str]:
    """Return the names of the categories and suppliers ``rows`` change to or from.

    One statement for a page of rows, and none when no row names either.
    """
    wanted = {"category": set(), "supplier": set()}
    for row in rows:
        if isinstance(row.changes, dict):
            for field, kind in CATALOG_FIELDS.items():
                values = row.changes.get(field) or ()
                wanted[kind].update(v for v in values if isinstance(v, int))
    parts = [
        select(literal(kind).label("kind"), model.id, model.name).where(
            model.team_id == g.team_id, model.id.in_(ids)
        )
        for kind, model in (("category", Category), ("supplier", Supplier))
        if (ids := wanted[kind])
    ]
    if not parts:
        return {}
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    found = read_only_connection().execute(stmt).all()
    return {(row.kind, row.id): row.name for row in found}
