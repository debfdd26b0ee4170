"""The caller's history of actions, newest first."""

from datetime import datetime
from typing import Any

from flask import Blueprint, g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import History, utcnow
from plumbing.operations import documented
from plumbing.pagination import paginate
from plumbing.response_shapes import HistoryList
from routes.auth import login_required, require_admin
from schemas import HistoryQuery, parse_query

bp = Blueprint("history", __name__)


@bp.get("/history")
@login_required
@documented(HistoryList, errors=(400, 401, 403), query=HistoryQuery)
def list_history():
    """List your history, newest first (admins: all=true for everyone's)."""
    query = parse_query(HistoryQuery)
    if query.all_users:
        require_admin()
    unfiltered = not (
        query.all_users or query.item_id or query.action_type or query.entity_type
    )
    known_total = g.user.history_count if unfiltered else None
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
    stmt = select(History)
    if query.all_users:
        stmt = stmt.options(selectinload(History.user))
    else:
        stmt = stmt.where(History.user_id == g.user_id)
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
    """Return a history row's JSON with its relative time (and owner, for admins)."""
    view = {**row.to_dict(), "relative_time": relative_time(row.timestamp, now)}
    if with_owner:
        view["owner"] = {"id": row.user.id, "username": row.user.username}
    return view


def relative_time(then: datetime, now: datetime) -> str:
    """Describe how long before ``now`` ``then`` was: "just now", "3 hours ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
