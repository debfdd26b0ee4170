"""The history of changes: one row per action, written in the action's transaction.

Each row belongs to the team the action happened in (``g.team_id`` unless
given) and names the user who did it.
"""

from datetime import datetime
from typing import Any

from flask import g
from sqlalchemy import Select, bindparam, exists, insert, select, update
from sqlalchemy.engine import Connection, Row

from columns import utcnow
from extensions import db
from models import Category, History, Membership, Supplier, Team, User

# Built once: executing a prebuilt statement skips the statement construction
# and cache-key work that dominates such small writes.
INSERT_HISTORY = insert(History.__table__)
COUNT_HISTORY = (
    update(Team.__table__)
    .where(Team.id == bindparam("team_id"))
    # Computed by the database (history_count + 1), so concurrent requests
    # cannot overwrite each other's increments.
    .values(history_count=Team.history_count + 1)
)
# Both in one statement, for PostgreSQL: the count's UPDATE runs as a
# data-modifying WITH of the INSERT, one round trip instead of two. (SQLite
# has no such statement, and runs both in-process anyway.)
INSERT_AND_COUNT_HISTORY = INSERT_HISTORY.add_cte(
    update(Team.__table__)
    .where(Team.id == bindparam("counted_team"))
    .values(history_count=Team.history_count + 1)
    .cte("counted")
)

# The team's history count, if the caller is a member (no row otherwise).
SELECT_HISTORY_COUNT = select(Team.history_count).where(
    Team.id == bindparam("team_id"),
    exists().where(
        Membership.team_id == bindparam("team_id"),
        Membership.user_id == bindparam("user_id"),
    ),
)


def preview_changes(
    current: dict[str, Any], fields: dict[str, Any]
) -> dict[str, list[Any]]:
    """Return which of ``fields`` differ from ``current`` (the entity's API view).

    The result maps each changed field to [old, new], as history rows show it.
    """
    return {
        field: [current[field], new]
        for field, new in fields.items()
        if current[field] != new
    }


def team_history_count(connection: Connection) -> int | None:
    """Return how many history rows the request's team has (None: not a member)."""
    parameters = {"team_id": g.team_id, "user_id": g.user_id}
    return connection.execute(SELECT_HISTORY_COUNT, parameters).scalar()


def team_history_page(
    connection: Connection, stmt: Select, window: dict[str, int]
) -> tuple[list[Row], int | None]:
    """Return a page of the team's whole history and how many rows it has.

    One statement: the team's kept count rides on every row, read with the
    membership check (None: the caller is not a member). A page past the end
    has no row to carry it, so then the count is read on its own.
    """
    counted = stmt.add_columns(
        SELECT_HISTORY_COUNT.scalar_subquery().label("team_history_count")
    )
    parameters = {"team_id": g.team_id, "user_id": g.user_id}
    page = counted.limit(window["limit"]).offset(window["offset"])
    rows = connection.execute(page, parameters).all()
    if rows:
        return rows, rows[0].team_history_count
    return rows, team_history_count(connection)


def record_history(
    actor_id: int,
    action_type: str,
    entity: User | Team | Category | Supplier,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    team_id: int | None = None,
) -> None:
    """Write the history row of a change to a user, a team or a catalog entry.

    New entities must be flushed first, for their id.
    """
    subject = (entity.history_type, entity.id, entity.history_name)
    _write_history(actor_id, action_type, subject, changes, details, at, team_id)


def record_member_history(
    actor_id: int,
    action_type: str,
    member: Row,
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> None:
    """Write the history row of a membership change (domain.members.member_row)."""
    subject = ("member", member.user_id, member.username)
    _write_history(actor_id, action_type, subject, changes, details, at, member.team_id)


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
    team_id: int | None = None,
) -> None:
    """Write a history row in the current transaction; the caller commits both.

    Prebuilt Core statements on the session's connection: an INSERT and the
    team's counter update (one statement on PostgreSQL). Under SQLite they run
    while the transaction holds the write lock, so they are kept cheap (no ORM
    objects to build or flush).
    """
    entity_type, entity_id, entity_name = subject
    team_id = g.team_id if team_id is None else team_id
    row = {
        "team_id": team_id,
        "user_id": actor_id,
        "action_type": action_type,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_name": entity_name,
        "changes": changes,
        "details": details,
        "timestamp": at or utcnow(),
    }
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(INSERT_AND_COUNT_HISTORY, {**row, "counted_team": team_id})
    else:
        connection.execute(INSERT_HISTORY, row)
        connection.execute(COUNT_HISTORY, {"team_id": team_id})
