"""The history page: who changed what and when, filtered like GET /history."""

from flask import render_template

from columns import utcnow
from dashboard import bp
from dashboard.access import page_member_required, page_query
from dashboard.history_words import ACTION_WORDS, ENTITY_WORDS, catalog_names
from plumbing.database import read_only_connection
from plumbing.pagination import paginate_rows
from query_strings import HistoryQuery
from routes.history import find_history


@bp.get("/history")
@page_member_required
def history():
    """List the team's history, newest first, with the filters in the address."""
    query = page_query(HistoryQuery)
    rows, pagination = paginate_rows(read_only_connection(), find_history(query), query)
    return render_template(
        "dashboard/history.html",
        rows=rows,
        pagination=pagination,
        names=catalog_names(rows),
        query=query,
        action_words=ACTION_WORDS,
        entity_words=ENTITY_WORDS,
        now=utcnow(),
    )
