"""The caller's history of actions, newest first."""

from datetime import datetime

from flask import Blueprint, g
from sqlalchemy import select

from models import History, utcnow
from pagination import paginate
from routes.auth import login_required
from schemas import HistoryQuery, parse_query

bp = Blueprint("history", __name__)


@bp.get("/history")
@login_required
def list_history():
    """List the caller's history rows, newest first, with relative times."""
    query = parse_query(HistoryQuery)
    stmt = select(History).where(History.user_id == g.user.id)
    if query.item_id is not None:
        stmt = stmt.where(History.item_id == query.item_id)
    if query.action_type is not None:
        stmt = stmt.where(History.action_type == query.action_type)
    stmt = stmt.order_by(History.timestamp.desc(), History.id.desc())
    rows, pagination = paginate(stmt, query)
    now = utcnow()
    return {
        "status": "successful",
        "history": [
            {**row.to_dict(), "relative_time": relative_time(row.timestamp, now)}
            for row in rows
        ],
        "pagination": pagination,
    }


def relative_time(then: datetime, now: datetime) -> str:
    """Describe how long before ``now`` ``then`` was: "just now", "3 hours ago"."""
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"
