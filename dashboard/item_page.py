"""One item's page: details, its stock over time, movements, edits, history."""

from flask import render_template
from sqlalchemy import select

from columns import utcnow
from dashboard import bp
from dashboard.access import page_member_required
from dashboard.charts import stock_level_svg
from dashboard.history_words import catalog_names
from dashboard.items import catalog_menu
from domain.item_fields import item_to_dict
from extensions import db
from field_types import MOVEMENT_REASONS
from models import Category, StockMovement, Supplier
from plumbing.pagination import inline_number
from query_strings import HistoryQuery
from routes.history import find_history
from routes.inventory import get_owned_item

# The chart and the ledger show the latest movements only, so an item with
# years of sales costs the page no more than a new one.
CHART_MOVEMENTS = 200
LEDGER_ROWS = 20
HISTORY_ROWS = 10


@bp.get("/items/<int:item_id>")
@page_member_required
def item(item_id: int):
    """Show one of the team's items (another team's is a 404, as in the API)."""
    row = get_owned_item(item_id)
    movements = db.session.execute(
        select(StockMovement.__table__)
        .where(StockMovement.item_id == item_id)
        .order_by(StockMovement.id.desc())
        .limit(inline_number(CHART_MOVEMENTS))
    ).all()
    now = utcnow()
    history = db.session.execute(
        find_history(HistoryQuery(item_id=item_id)).limit(inline_number(HISTORY_ROWS))
    ).all()
    return render_template(
        "dashboard/item.html",
        item=row,
        view=item_to_dict(row),
        chart=stock_level_svg(
            _chart_points(movements, row.quantity, now),
            f"Stock level of {row.item_name} over time",
            row.reorder_level,
        ),
        ledger=movements[:LEDGER_ROWS],
        more_movements=len(movements) > LEDGER_ROWS,
        history=history,
        names=catalog_names(history),
        reasons=MOVEMENT_REASONS,
        categories=catalog_menu(Category),
        suppliers=catalog_menu(Supplier),
        now=now,
    )


def _chart_points(movements, quantity: int, now) -> list:
    """Return (time, level) from the level before the oldest movement to now."""
    if not movements:
        return []
    oldest_first = list(reversed(movements))
    points = [(oldest_first[0].created_at, oldest_first[0].quantity_before)]
    points += [(move.created_at, move.quantity_after) for move in oldest_first]
    points.append((now, quantity))
    return points
