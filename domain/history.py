"""The history of changes: one row per action, written in the action's transaction.

Each row belongs to the team the action happened in (``g.team_id`` unless
given) and names the user who did it.
"""

import functools
from datetime import datetime
from typing import Any

from flask import g
from sqlalchemy import Select, bindparam, event, exists, insert, select
from sqlalchemy.engine import Connection, Result, Row
from sqlalchemy.sql import Executable

from columns import utcnow
from extensions import db
from models import Category, History, Membership, Supplier, Team, User
from plumbing.pagination import cut_to_window

# Built once: executing a prebuilt statement skips the statement construction
# and cache-key work that dominates such small writes.
INSERT_HISTORY = insert(History.__table__)

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
    rows = connection.execute(cut_to_window(counted, window), parameters).all()
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
    _write(history_row(actor_id, action_type, subject, changes, details, at, team_id))


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
    team_id = member.team_id
    _write(history_row(actor_id, action_type, subject, changes, details, at, team_id))


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
    _write(history_row(actor_id, action_type, subject, changes, details, at))


def history_row(
    actor_id: int,
    action_type: str,
    subject: tuple[str, int, str],  # the entity's type, id and name
    changes: dict[str, list[Any]] | None = None,
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
    team_id: int | None = None,
) -> dict[str, Any]:
    """Return a history row, to write with _write() or execute_with_history()."""
    entity_type, entity_id, entity_name = subject
    return {
        "team_id": g.team_id if team_id is None else team_id,
        "user_id": actor_id,
        "action_type": action_type,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "entity_name": entity_name,
        "changes": changes,
        "details": details,
        "timestamp": at or utcnow(),
    }


def _write(row: dict[str, Any]) -> None:
    """Write a history row in the current transaction; the caller commits both.

    One prebuilt INSERT on the session's connection; the team's history count
    follows by trigger (below). Under SQLite it runs while the transaction holds
    the write lock, so it is kept cheap: no ORM object to build or flush.
    """
    db.session.connection().execute(INSERT_HISTORY, row)


# --- A write and its history row in one statement ---------------------------
# On PostgreSQL an INSERT or UPDATE can carry the history INSERT as a
# data-modifying CTE ("WITH logged AS (INSERT INTO history ...) UPDATE ..."):
# one round trip to the server instead of two, in the same transaction either
# way. Edits and stock movements use it. SQLite has no such CTEs, and no
# round trips to save: there the two run one after another.
LOGGED = (
    insert(History.__table__)
    .values(
        {
            column.name: bindparam(f"history_{column.name}", type_=column.type)
            for column in History.__table__.c
            if column.name != "id"
        }
    )
    .cte("logged")
)


def execute_with_history(
    stmt: Executable, parameters: dict[str, Any], history: dict[str, Any]
) -> Result:
    """Execute ``stmt`` and write the ``history`` row with it; return its result."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        result = connection.execute(stmt, parameters)
        connection.execute(INSERT_HISTORY, history)
        return result
    logged = {f"history_{name}": value for name, value in history.items()}
    return connection.execute(_carrying_history(stmt), parameters | logged)


@functools.cache
def _carrying_history(stmt: Executable) -> Executable:
    """``stmt`` with the history INSERT as its CTE; built once per statement."""
    return stmt.add_cte(LOGGED)


# --- The team's history count ------------------------------------------------
# teams.history_count lets a full history page skip COUNT(*). The database
# keeps it: a trigger adds each history row to its team's count, or takes it
# away, in the same transaction. No code path can forget it, and a write sends
# one statement fewer (make bench measured it; see docs/BENCHMARKS.md).


def _count_change(sign: str, row: str) -> str:
    return (
        f"UPDATE teams SET history_count = history_count {sign} 1"
        f" WHERE id = {row}.team_id;"
    )


def create_count_triggers(connection) -> None:
    """Create the history count's triggers (SQLite or PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        statements = [
            "CREATE FUNCTION history_count() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF TG_OP = 'INSERT' THEN {_count_change('+', 'NEW')}"
            f" ELSE {_count_change('-', 'OLD')} END IF; RETURN NULL; END $$",
            "CREATE TRIGGER history_count AFTER INSERT OR DELETE ON history"
            " FOR EACH ROW EXECUTE FUNCTION history_count()",
        ]
    else:
        statements = [
            "CREATE TRIGGER history_count_insert AFTER INSERT ON history"
            f" BEGIN {_count_change('+', 'NEW')} END",
            "CREATE TRIGGER history_count_delete AFTER DELETE ON history"
            f" BEGIN {_count_change('-', 'OLD')} END",
        ]
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_count_triggers(connection) -> None:
    """Remove the history count's triggers (the downgrade of their migration)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER history_count ON history")
        connection.exec_driver_sql("DROP FUNCTION history_count()")
    else:
        for name in ("insert", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER history_count_{name}")


# A table made by create_all() (tests, a first run without migrations) gets the
# triggers too; a migrated database gets them from its migration.
@event.listens_for(History.__table__, "after_create")
def _create_with_the_table(target, connection, **kwargs) -> None:
    create_count_triggers(connection)
