"""The history of changes: one row per action, written in the action's transaction."""

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.engine import Row

from extensions import db
from models import Category, History, Supplier, User, utcnow

# Built once: executing a prebuilt statement skips the statement construction
# and cache-key work that dominates such small writes.
INSERT_HISTORY = insert(History.__table__)
COUNT_HISTORY = (
    update(User.__table__)
    .where(User.id == bindparam("actor_id"))
    # Computed by the database (history_count + 1), so concurrent requests
    # cannot overwrite each other's increments.
    .values(history_count=User.history_count + 1)
)


def record_history(
    actor_id: int,
    action_type: str,
    entity: User | Category | Supplier,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Write the history row of a change to a user or a catalog entry.

    New entities must be flushed first, for their id.
    """
    subject = (entity.history_type, entity.id, entity.history_name)
    _write_history(actor_id, action_type, subject, changes, details, at)


def record_item_history(
    actor_id: int,
    action_type: str,
    item: Row,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Write the history row of a change to an item, as item_store returns it."""
    subject = ("item", item.id, item.item_name)
    _write_history(actor_id, action_type, subject, changes, details, at)


def _write_history(
    actor_id: int,
    action_type: str,
    subject: tuple[str, int, str],  # the entity's type, id and name
    changes: dict[str, list[Any]] | None,
    details: dict[str, Any] | None,
    at: datetime | None,
) -> None:
    """Write a history row in the current transaction; the caller commits both.

    Two prebuilt Core statements, run at once on the session's connection: an
    INSERT and the actor's counter update. Under SQLite they run while the
    transaction holds the write lock, so they are kept cheap (no ORM objects to
    build or flush).
    """
    entity_type, entity_id, entity_name = subject
    connection = db.session.connection()
    connection.execute(
        INSERT_HISTORY,
        {
            "user_id": actor_id,
            "action_type": action_type,
            "entity_type": entity_type,
            "entity_id": entity_id,
            "entity_name": entity_name,
            "changes": changes,
            "details": details,
            "timestamp": at or utcnow(),
        },
    )
    connection.execute(COUNT_HISTORY, {"actor_id": actor_id})
