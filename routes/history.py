"""The current team's history of actions, newest first, with who did each."""

from datetime import datetime
from typing import Any

from flask import Blueprint, g
from sqlalchemy import Select, func, select
from sqlalchemy.engine import Row

from columns import utcnow
from domain.history import team_history_page
from domain.teams import TEAM_NOT_FOUND, require_member
from errors import APIError
from models import History, Team, User
from plumbing.database import read_only_connection
from plumbing.operations import documented
from plumbing.pagination import page_metadata, page_window, paginate_rows
from plumbing.response_shapes import HistoryList
from query_strings import HistoryQuery, parse_query
from routes.auth import login_required, require_admin

bp = Blueprint("history", __name__)


@bp.get("/history")
@login_required
@documented(HistoryList, errors=(400, 401, 403, 404), query=HistoryQuery)
def list_history():
    """List your team's history, newest first (site admins: all=true for all)."""
    query = parse_query(HistoryQuery)
    filtered = query.item_id or query.action_type or query.entity_type or query.actor
    if query.all_users:
        require_admin()
    elif filtered:
        require_member()
    # Rows, not ORM objects, read outside any transaction: a page is 50 of them.
    read_only = read_only_connection()
    stmt = find_history(query)
    if query.all_users or filtered:
        rows, pagination = paginate_rows(read_only, stmt, query)
    else:
        rows, total = team_history_page(read_only, stmt, page_window(query))
        if total is None:
            # Not a member: 404, unless the session falls back to a team of theirs.
            require_member()
            stmt = find_history(query)
            rows, total = team_history_page(read_only, stmt, page_window(query))
        if total is None:
            raise APIError(404, TEAM_NOT_FOUND)
        pagination = page_metadata(query, total)
    now = utcnow()
    return {
        "status": "successful",
        "message": "History retrieved successfully!",
        "history": [history_view(row, now, query.all_users) for row in rows],
        "pagination": pagination,
    }


def find_history(query: HistoryQuery) -> Select:
    """Build the SELECT for a filtered history page, newest first."""
    stmt = select(*HISTORY_COLUMNS).join(User, User.id == History.user_id)
    if query.all_users:
        stmt = stmt.add_columns(Team.name.label("team_name")).join(
            Team, Team.id == History.team_id
        )
    else:
        stmt = stmt.where(History.team_id == g.team_id)
    if query.actor is not None:
        actor = select(User.id).where(func.lower(User.username) == query.actor.lower())
        stmt = stmt.where(History.user_id == actor.scalar_subquery())
    if query.item_id is not None:
        stmt = stmt.where(
            History.entity_type == "item", History.entity_id == query.item_id
        )
    if query.entity_type is not None:
        stmt = stmt.where(History.entity_type == query.entity_type)
    if query.action_type is not None:
        stmt = stmt.where(History.action_type == query.action_type)
    return stmt.order_by(History.timestamp.desc(), History.id.desc())


# A history row's columns, and who did it.
HISTORY_COLUMNS = (*History.__table__.c, User.username)


def history_view(row: Row, now: datetime, with_owner: bool) -> dict[str, Any]:
    """Return a history row as the API shows it: who did what, when.

    The site admin's audit (``with_owner``) also shows the row's team.
    """
    row = row._mapping  # one lookup per field, as item_to_dict does
    is_item = row["entity_type"] == "item"
    view = {
        "id": row["id"],
        "team_id": row["team_id"],
        "user_id": row["user_id"],
        "username": row["username"],
        "action_type": row["action_type"],
        "entity_type": row["entity_type"],
        "entity_id": row["entity_id"],
        "entity_name": row["entity_name"],
        # The core contract's names for item rows, kept for its clients.
        "item_id": row["entity_id"] if is_item else None,
        "item_name": row["entity_name"] if is_item else None,
        "changes": row["changes"],
        "details": row["details"],
        "timestamp": row["timestamp"].isoformat(),
        "relative_time": relative_time(row["timestamp"], now),
    }
    if with_owner:
        view["owner"] = {"id": row["user_id"], "username": row["username"]}
        view["team"] = {"id": row["team_id"], "name": row["team_name"]}
    return view


def relative_time(then: datetime, now: datetime) -> str:
    """Describe how long before ``now`` ``then`` was: "just now", "3 hours ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
