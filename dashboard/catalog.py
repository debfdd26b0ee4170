"""The catalog pages: the team's categories and suppliers.

Team admins create, edit and delete through the API (POST, PATCH and DELETE on
/categories and /suppliers); staff get the same lists with no write controls.
"""

from flask import g, render_template
from sqlalchemy import select

from dashboard import bp
from dashboard.access import page_member_required, page_query
from models import Category, Supplier
from plumbing.pagination import paginate
from query_strings import PageQuery

# Each resource: its model, its API path, its title, and its fields as
# (name, label, input type) in the order the forms show them.
CATALOGS = {
    "categories": (
        Category,
        "Categories",
        "category",
        [("name", "Name", "text"), ("description", "Description", "text")],
    ),
    "suppliers": (
        Supplier,
        "Suppliers",
        "supplier",
        [
            ("name", "Name", "text"),
            ("contact_name", "Contact", "text"),
            ("email", "Email", "email"),
            ("phone", "Phone", "tel"),
            ("address", "Address", "text"),
        ],
    ),
}


@bp.get("/categories", defaults={"resource": "categories"}, endpoint="categories")
@bp.get("/suppliers", defaults={"resource": "suppliers"}, endpoint="suppliers")
@page_member_required
def catalog(resource: str):
    """List the team's categories or suppliers, a page at a time, by name."""
    model, title, noun, fields = CATALOGS[resource]
    query = page_query(PageQuery)
    stmt = (
        select(model)
        .where(model.team_id == g.team_id)
        .order_by(model.name_key, model.id)
    )
    entries, pagination = paginate(stmt, query)
    return render_template(
        "dashboard/catalog.html",
        resource=resource,
        title=title,
        noun=noun,
        fields=fields,
        entries=entries,
        pagination=pagination,
    )
