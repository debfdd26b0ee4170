"""Stock movements, the stock ledger, and the low-stock and expiry alerts."""

from datetime import timedelta

from flask import Blueprint
from sqlalchemy import func, literal_column, select
from sqlalchemy.engine import Row

from columns import utcnow
from domain import item_store
from domain.idempotency import idempotent, remember_response
from domain.item_edits import etag_headers, expected_versions
from domain.item_fields import item_to_dict
from domain.stock import count_stock, move_stock, movement_view
from extensions import db
from models import StockMovement
from plumbing.database import read_only_connection
from plumbing.error_examples import NOT_ENOUGH_STOCK, NOT_STOCK_WRITER
from plumbing.item_shapes import AlertList, ExpiringList, MovementList, StockResult
from plumbing.operations import ITEM_WRITE, documented
from plumbing.pagination import paginate
from query_strings import ExpiringQuery, MovementsQuery, PageQuery, parse_query
from routes.auth import login_required, stock_writer_required, team_member_required
from routes.inventory import get_owned_item
from schemas import StockMovementRequest, parse_body

bp = Blueprint("stock", __name__)

SALES_WINDOW = timedelta(days=30)


@bp.post("/inventory/<int:item_id>/stock")
@stock_writer_required
@idempotent
@documented(
    StockResult,
    errors=(*ITEM_WRITE, 422),
    body=StockMovementRequest,
    headers=("Idempotency-Key", "If-Match"),
    examples={409: NOT_ENOUGH_STOCK, 403: NOT_STOCK_WRITER},
)
def change_stock(item_id: int):
    """Record a purchase, sale, return, adjustment or count (clerks and admins)."""
    data = parse_body(StockMovementRequest).root
    versions = expected_versions()
    if data.reason == "count":
        item, movement = count_stock(item_id, data.quantity, data.note, versions)
    else:
        item, movement = move_stock(
            item_id, data.change, data.reason, data.note, versions
        )
    view = item_to_dict(item)
    body = {
        "status": "successful",
        "message": "Stock updated successfully!",
        "low_stock": view["low_stock"],
        "item": view,
        "movement": movement_view(movement),
    }
    headers = etag_headers(item)
    remember_response(body, 200, headers)
    db.session.commit()
    return body, headers


@bp.get("/inventory/<int:item_id>/movements")
@login_required
@documented(MovementList, errors=(400, 401, 404), query=MovementsQuery)
def list_movements(item_id: int):
    """List an item's stock movements with balances."""
    item = get_owned_item(item_id)
    query = parse_query(MovementsQuery)
    stmt = (
        select(StockMovement)
        .where(StockMovement.item_id == item.id)
        .order_by(StockMovement.id.desc())
    )
    movements, pagination = paginate(stmt, query)
    body = {
        "status": "successful",
        "item_id": item.id,
        "movements": [movement_view(movement) for movement in movements],
        "pagination": pagination,
    }
    if query.verify:
        body["verification"] = item_store.verify_ledger(item.id)
    return body


@bp.get("/alerts/low-stock")
@team_member_required
@documented(AlertList, errors=(400, 401, 404), query=PageQuery)
def low_stock_alerts():
    """List items at or below their reorder level, most urgent first."""
    query = parse_query(PageQuery)
    items, pagination = item_store.low_stock_page(query)
    sold = units_sold_recently([item.id for item in items])
    return {
        "status": "successful",
        "alerts": [low_stock_alert(item, sold.get(item.id, 0)) for item in items],
        "pagination": pagination,
    }


def units_sold_recently(item_ids: list[int]) -> dict[int, int]:
    """Return units sold per item over the last 30 days (sales net of corrections)."""
    if not item_ids:
        return {}
    rows = read_only_connection().execute(
        select(StockMovement.item_id, func.sum(-StockMovement.change))
        .where(
            StockMovement.item_id.in_(item_ids),
            # 'sale' written into the SQL: as a parameter PostgreSQL's generic
            # plan cannot see how rare sales are, and it replanned every call.
            StockMovement.reason == literal_column("'sale'"),
            StockMovement.created_at >= utcnow() - SALES_WINDOW,
        )
        .group_by(StockMovement.item_id)
    )
    return {item_id: max(0, units) for item_id, units in rows}


def low_stock_alert(item: Row, sold_last_30_days: int) -> dict:
    """Describe one low-stock item and how much to reorder.

    Suggested reorder quantity = the shortfall (to get back to the reorder
    level) + the units sold in the last 30 days (to cover the next 30 days at
    the same pace); at least 1.
    """
    shortfall = item.reorder_level - item.quantity
    supplier = {"id": item.supplier_id, "name": item.supplier_name}
    return {
        "item_id": item.id,
        "item_name": item.item_name,
        "sku": item.sku,
        "quantity": item.quantity,
        "reorder_level": item.reorder_level,
        "shortfall": shortfall,
        "out_of_stock": item.quantity == 0,
        "supplier": supplier if item.supplier_id is not None else None,
        "sold_last_30_days": sold_last_30_days,
        "suggested_reorder_quantity": max(1, shortfall + sold_last_30_days),
    }


@bp.get("/alerts/expiring")
@team_member_required
@documented(ExpiringList, errors=(400, 401, 404), query=ExpiringQuery)
def expiring_alerts():
    """List active items expiring within the window (or expired), soonest first."""
    query = parse_query(ExpiringQuery)
    today = utcnow().date()
    items, pagination = item_store.expiring_page(query, query.within_days, today)
    return {
        "status": "successful",
        "message": "Expiring items retrieved successfully!",
        "items": [
            {**item_to_dict(item), "days_left": (item.expiry_date - today).days}
            for item in items
        ],
        "pagination": pagination,
    }
