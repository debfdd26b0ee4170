"""Changing stock without ever losing an update.

A movement (+5, -3) is **one** statement: ``UPDATE ... SET quantity =
quantity + :change WHERE ... AND quantity + :change >= 0 RETURNING
quantity``. The database applies concurrent movements one after another, so
none is lost and none can take stock below zero. (Reading the quantity in
Python and writing it back would lose updates: SQLite's driver does not even
start a transaction before a SELECT.) An absolute count must read before it
writes, so it locks the item first (see item_edits.lock_item). Both check
``If-Match`` in the same statement, so a stale version is refused atomically.
"""

from datetime import datetime
from typing import Any

from flask import g
from sqlalchemy.engine import Row

from columns import utcnow
from domain.history import history_row
from domain.item_edits import lock_item, why_not_changed
from domain.item_store import add_movement, add_to_quantity, set_quantity


def move_stock(
    item_id: int,
    change: int,
    reason: str,
    note: str | None,
    versions: list[int] | None,
    at: datetime | None = None,
) -> tuple[Row, Row]:
    """Add ``change`` to the caller's item's quantity in one atomic statement."""
    item = add_to_quantity(item_id, change, versions, now=at or utcnow())
    if item is None:
        raise why_not_changed(item_id, versions, change, stock=True)
    return item, record_movement(item, change, reason, note)


def count_stock(
    item_id: int, quantity: int, note: str | None, versions: list[int] | None
) -> tuple[Row, Row]:
    """Set the quantity to a counted value and record the difference."""
    locked = lock_item(item_id, versions, for_count=True)
    item = set_quantity(locked, quantity)
    change = quantity - locked.quantity
    return item, record_movement(item, change, "count", note)


def record_movement(item: Row, change: int, reason: str, note: str | None) -> Row:
    """Write a movement's ledger row and its history row; return the ledger row.

    Both are stamped with the item's change time. On PostgreSQL they are one
    statement (see history.execute_with_history).
    """
    history = history_row(
        g.user_id,
        "stock",
        ("item", item.id, item.item_name),
        changes={"quantity": [item.quantity - change, item.quantity]},
        details={"reason": reason, "note": note, "change": change},
        at=item.updated_at,
    )
    return add_movement(item, change, reason, note, history)


def movement_view(movement) -> dict[str, Any]:
    """Return a movement (a row of the ledger) as the API shows it."""
    return {
        "id": movement.id,
        "item_id": movement.item_id,
        "user_id": movement.user_id,
        "change": movement.change,
        "reason": movement.reason,
        "note": movement.note,
        "quantity_before": movement.quantity_before,
        "balance": movement.quantity_after,
        "created_at": movement.created_at.isoformat(),
    }
