"""Changing an item without losing anyone's change: versions, If-Match, locks.

A change that must read before it writes (an absolute count, an edit, a delete
with If-Match, an import) starts its transaction with ``lock_item``: a
conditional ``UPDATE`` that bumps the version. From then on the row is locked
(PostgreSQL: row lock; SQLite: the write lock) until commit, so what we read
cannot change underneath us. It checks ``If-Match`` in the same statement, so
a stale version is refused atomically too.
"""

import re
from datetime import datetime

from flask import g, request
from sqlalchemy.engine import Row

from domain import item_store
from domain.history import history_row, record_item_history
from domain.item_fields import item_changes
from domain.item_store import add_movement
from domain.teams import require_member, require_stock_writer, require_team_admin
from errors import APIError
from field_types import MAX_AMOUNT, OPENING_BALANCE

# How a version looks as an entity tag: ASCII digits, at most 18 of them so the
# number fits the version column.
VERSION_DIGITS = re.compile(r"[0-9]{1,18}")


def expected_versions() -> list[int] | None:
    """Return the versions the request's If-Match accepts, or None for "any".

    No If-Match header (or ``If-Match: *``) means the write proceeds whatever
    the version, so clients written before If-Match existed keep working.
    """
    if "If-Match" not in request.headers:
        return None
    if_match = request.if_match
    if if_match.star_tag:
        return None
    # RFC 9110 strong comparison: a tag matches only if it is, character for
    # character, the tag etag_headers() sends for some version. So "01" or
    # "1 " is not "1", and weak tags (W/"1") are left out by as_set(). A tag
    # that matches no version makes the write a 412.
    return [
        int(tag)
        for tag in if_match.as_set()
        if tag and VERSION_DIGITS.fullmatch(tag) and version_tag(int(tag)) == tag
    ]


def version_tag(version: int) -> str:
    """Return the opaque tag (unquoted) that stands for ``version`` in an ETag."""
    return str(version)


def etag_headers(item) -> dict[str, str]:
    """Return the ETag header for the item's current version."""
    return {"ETag": f'"{version_tag(item.version)}"'}


def lock_item(item_id: int, versions: list[int] | None, for_count: bool = False) -> Row:
    """Lock the caller's item for this transaction, bumping its version; return it.

    Raises 404 if the item is missing or not the caller's, 403 unless the
    caller is the team's admin (a clerk, for a count), and 412 if its version
    is not one of ``versions``.
    """
    item = item_store.lock_version(item_id, versions, for_count)
    if item is None:
        raise why_not_changed(item_id, versions, stock=for_count)
    return item


def add_item(fields: dict, at: datetime | None = None) -> Row:
    """Create an item with its history row and, if it has stock, its opening balance.

    An item created with a quantity starts its ledger with an opening movement,
    so the ledger shows where the first stock came from. The history row rides
    on that movement's INSERT (one statement on PostgreSQL); both carry the
    item's creation time.
    """
    item = item_store.insert_item(fields, at)
    if item.quantity == 0:
        record_item_history(g.user_id, "create", item, at=item.created_at)
        return item
    subject = ("item", item.id, item.item_name)
    history = history_row(g.user_id, "create", subject, at=item.created_at)
    add_movement(item, item.quantity, OPENING_BALANCE, None, history)
    return item


def edit_item(
    locked: Row, fields: dict, note: str | None = None
) -> tuple[Row, dict[str, list]]:
    """Change a locked item's fields, with its history row; return it and what changed.

    Every quantity change is in the stock ledger, edits included. An edit that
    changes nothing writes only its history row.
    """
    changes = item_changes(locked, fields)
    if not changes:
        record_item_history(g.user_id, "update", locked, changes)
        return locked, changes
    name = fields.get("item_name", locked.item_name)  # as it will be
    history = history_row(g.user_id, "update", ("item", locked.id, name), changes)
    changed = {field: fields[field] for field in changes}
    item = item_store.write_item(locked, changed, history)
    if "quantity" in changes:
        change = item.quantity - locked.quantity
        add_movement(item, change, "adjustment", note)
    return item, changes


def why_not_changed(
    item_id: int,
    versions: list[int] | None = None,
    change: int | None = None,
    stock: bool = False,
) -> APIError:
    """Explain why a conditional UPDATE matched no row: 404, 403, 412 or 409.

    ``stock``: the UPDATE was a stock movement, which clerks may make too.
    """
    item = item_store.item_state(item_id)
    if item is None or item.team_id != g.team_id:
        require_member()  # "Team not found." when that is why
        return APIError(404, "Item not found.")
    if stock:
        require_stock_writer()  # 403 for the team's staff
    else:
        require_team_admin()  # 403 for the team's staff and clerks
    if versions is not None and item.version not in versions:
        return APIError(
            412,
            f"The item has changed since you read it (now version {item.version}); "
            "fetch it again and retry.",
            headers=etag_headers(item),
            extra={"current_version": item.version},
        )
    if change is not None and item.quantity + change < 0:
        return APIError(
            409,
            f"Not enough stock: the quantity is {item.quantity}, "
            f"so a change of {change} would take it below zero.",
            extra={"quantity": item.quantity},
        )
    if change is not None and item.quantity + change > MAX_AMOUNT:
        return APIError(
            409,
            f"The quantity is {item.quantity}; a change of {change} would exceed "
            f"the maximum of {MAX_AMOUNT}.",
            extra={"quantity": item.quantity},
        )
    return APIError(409, "The item changed while this request ran; please retry.")
