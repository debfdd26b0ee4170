"""The items page: the team's items with search, filters, sorting and pages.

Every filter is a query parameter of the API's own list (``InventoryQuery``),
so a view can be bookmarked, and the CSV export link takes the same ones.
"""

from flask import g, render_template, request, url_for
from sqlalchemy import select

from columns import utcnow
from dashboard import bp
from dashboard.access import page_member_required, page_query
from domain import item_store
from models import Category, Supplier
from plumbing.database import read_only_connection
from plumbing.pagination import inline_number
from query_strings import InventoryQuery

# The filter menus list at most this many categories and suppliers.
MENU_LIMIT = 500
SORT_LABELS = {
    "item_name": "Name",
    "quantity": "Quantity",
    "price": "Price",
    "updated_at": "Updated",
}


@bp.get("/items")
@page_member_required
def items():
    """List the team's items as the filters in the address ask."""
    query = page_query(InventoryQuery)
    rows, pagination = item_store.list_page(query)
    filters = {
        name: value
        for name, value in _filled_arguments().items()
        if name not in ("page", "per_page", "all")
    }
    return render_template(
        "dashboard/items.html",
        items=rows,
        pagination=pagination,
        query=query,
        filters=filters,
        categories=catalog_menu(Category),
        suppliers=catalog_menu(Supplier),
        sort_links=_sort_links(query.sort),
        export_url=url_for("inventory_csv.export_csv", **filters),
        now=utcnow(),
    )


def catalog_menu(model) -> list:
    """Return the team's categories or suppliers (id, name) for a menu, by name."""
    menu = (
        select(model.id, model.name)
        .where(model.team_id == g.team_id)
        .order_by(model.name_key, model.id)
        .limit(inline_number(MENU_LIMIT))
    )
    return read_only_connection().execute(menu).all()


def _sort_links(current: str | None) -> list[dict]:
    """Describe each sortable column: its link and its aria-sort state."""
    links = []
    for key, label in SORT_LABELS.items():
        ascending = current == key
        descending = current == f"-{key}"
        next_sort = f"-{key}" if ascending else key
        arguments = {**_filled_arguments(), "sort": next_sort, "page": 1}
        links.append(
            {
                "key": key,
                "label": label,
                "url": url_for("dashboard.items", **arguments),
                "aria_sort": "ascending"
                if ascending
                else "descending"
                if descending
                else None,
            }
        )
    return links


def _filled_arguments() -> dict[str, str]:
    """The query string without the fields a filter form left empty."""
    return {name: value for name, value in request.args.items() if value != ""}
