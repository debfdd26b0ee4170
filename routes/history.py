"""The current team's history of actions, newest first, with who did each."""

from datetime import datetime
from typing import Any

from flask import Blueprint, g
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from domain.history import team_history_count
from domain.teams import TEAM_NOT_FOUND, require_member
from errors import APIError
from models import History, User, utcnow
from plumbing.operations import documented
from plumbing.pagination import paginate
from plumbing.response_shapes import HistoryList
from routes.auth import login_required, require_admin
from schemas import HistoryQuery, parse_query

bp = Blueprint("history", __name__)


@bp.get("/history")
@login_required
@documented(HistoryList, errors=(400, 401, 403, 404), query=HistoryQuery)
def list_history():
    """List your team's history, newest first (site admins: all=true for all)."""
    query = parse_query(HistoryQuery)
    filtered = query.item_id or query.action_type or query.entity_type or query.actor
    known_total = None
    if query.all_users:
        require_admin()
    elif filtered:
        require_member()
    else:
        # The team's counter, read in one statement with the membership check.
        known_total = team_history_count()
        if known_total is None:
            raise APIError(404, TEAM_NOT_FOUND)
    rows, pagination = paginate(find_history(query), query, total=known_total)
    now = utcnow()
    return {
        "status": "successful",
        "message": "History retrieved successfully!",
        "history": [history_view(row, now, query.all_users) for row in rows],
        "pagination": pagination,
    }


def find_history(query: HistoryQuery):
    """Build the SELECT for a filtered history page, newest first."""
    stmt = select(History).options(joinedload(History.user))
    if query.all_users:
        stmt = stmt.options(joinedload(History.team))
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


def history_view(row: History, now: datetime, with_owner: bool) -> dict[str, Any]:
    """Return a history row's JSON: who did it, when, relative to ``now``.

    The site admin's audit (``with_owner``) also shows the row's team.
    """
    view = {
        **row.to_dict(),
        "username": row.user.username,
        "relative_time": relative_time(row.timestamp, now),
    }
    if with_owner:
        view["owner"] = {"id": row.user.id, "username": row.user.username}
        view["team"] = {"id": row.team.id, "name": row.team.name}
    return view


def relative_time(then: datetime, now: datetime) -> str:
    """Describe how long before ``now`` ``then`` was: "just now", "3 hours ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
