"""The alerts page: low-stock items grouped by supplier, a purchase list to print."""

from itertools import groupby

from flask import g, render_template
from sqlalchemy import select

from columns import utcnow
from dashboard import bp
from dashboard.access import page_member_required, page_query
from domain import item_store
from extensions import db
from models import Supplier
from query_strings import PageQuery
from routes.stock import low_stock_alert, units_sold_recently


@bp.get("/alerts")
@page_member_required
def alerts():
    """Show the low-stock items of one page, grouped by supplier."""
    query = page_query(PageQuery)
    rows, pagination = item_store.low_stock_page(query)
    sold = units_sold_recently([row.id for row in rows])
    alerts = [low_stock_alert(row, sold.get(row.id, 0)) for row in rows]

    def supplier_name(alert):  # items without a supplier come last
        supplier = alert["supplier"]
        return (supplier is None, supplier["name"].casefold() if supplier else "")

    groups = [
        (group[0]["supplier"], group)
        for _, grouped in groupby(sorted(alerts, key=supplier_name), supplier_name)
        for group in [list(grouped)]
    ]
    return render_template(
        "dashboard/alerts.html",
        groups=groups,
        contacts=supplier_contacts([s["id"] for s, _ in groups if s]),
        pagination=pagination,
        today=utcnow().date(),
    )


def supplier_contacts(supplier_ids: list[int]) -> dict[int, Supplier]:
    """Return the team's suppliers by id, for their contact details."""
    if not supplier_ids:
        return {}
    rows = db.session.scalars(
        select(Supplier).where(
            Supplier.team_id == g.team_id, Supplier.id.in_(supplier_ids)
        )
    )
    return {supplier.id: supplier for supplier in rows}
