"""The home page: what needs attention first, then the stock at a glance."""

from datetime import timedelta

from flask import render_template

from columns import utcnow
from dashboard import bp
from dashboard.access import current_team_row, page_member_required
from dashboard.history_words import SESSION_ACTIONS, catalog_names
from domain import item_store
from models import History
from plumbing.database import read_only_connection
from plumbing.pagination import inline_number
from query_strings import HistoryQuery
from routes.history import find_history
from routes.stock import low_stock_alert, units_sold_recently

# Each list on the home page shows at most this many rows, then links on.
SHORT_LIST = 8
EXPIRY_WINDOW_DAYS = 30


@bp.get("/")
@page_member_required
def home():
    """Show low stock and expiring items, the tiles, and the latest changes."""
    # The team's kept totals, read with the layout's account and teams, also
    # count its low-stock items: no COUNT query.
    totals = current_team_row()
    today = utcnow().date()
    low, expiring, expiring_total = item_store.short_lists(
        SHORT_LIST, EXPIRY_WINDOW_DAYS, today
    )
    sold = units_sold_recently([item.id for item in low])
    # Changes only: a shop's logins would push them off the list.
    latest = (
        find_history(HistoryQuery())
        .where(History.action_type.not_in(SESSION_ACTIONS))
        .limit(inline_number(SHORT_LIST))
    )
    changes = read_only_connection().execute(latest).all()
    return render_template(
        "dashboard/home.html",
        low_stock=[low_stock_alert(item, sold.get(item.id, 0)) for item in low],
        low_stock_total=totals.low_stock_items,
        expiring=[(item, (item.expiry_date - today).days) for item in expiring],
        expiring_total=expiring_total,
        expiry_window=EXPIRY_WINDOW_DAYS,
        expiry_limit=(today + timedelta(days=EXPIRY_WINDOW_DAYS + 1)).isoformat(),
        totals=totals,
        changes=changes,
        names=catalog_names(changes),
        now=utcnow(),
    )
