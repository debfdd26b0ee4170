"""The home page: what needs attention first, then the stock at a glance."""

from datetime import timedelta

from flask import g, render_template

from dashboard import bp
from dashboard.access import page_member_required
from domain import item_store
from domain.stock_totals import team_totals
from models import utcnow
from plumbing.database import read_only_connection
from query_strings import HistoryQuery, PageQuery
from routes.history import find_history
from routes.stock import low_stock_alert, units_sold_recently

# Each list on the home page shows at most this many rows, then links on.
SHORT_LIST = 8
EXPIRY_WINDOW_DAYS = 30


@bp.get("/")
@page_member_required
def home():
    """Show low stock and expiring items, the tiles, and the latest changes."""
    short = PageQuery(page=1, per_page=SHORT_LIST)
    low, low_pages = item_store.low_stock_page(short)
    sold = units_sold_recently([item.id for item in low])
    today = utcnow().date()
    expiring, expiring_pages = item_store.expiring_page(
        short, EXPIRY_WINDOW_DAYS, today
    )
    read_only = read_only_connection()
    totals = team_totals(read_only, g.team_id)
    changes = read_only.execute(find_history(HistoryQuery()).limit(SHORT_LIST)).all()
    return render_template(
        "dashboard/home.html",
        low_stock=[low_stock_alert(item, sold.get(item.id, 0)) for item in low],
        low_stock_total=low_pages["total"],
        expiring=[(item, (item.expiry_date - today).days) for item in expiring],
        expiring_total=expiring_pages["total"],
        expiry_window=EXPIRY_WINDOW_DAYS,
        expiry_limit=(today + timedelta(days=EXPIRY_WINDOW_DAYS + 1)).isoformat(),
        totals=totals,
        changes=changes,
        now=utcnow(),
    )
