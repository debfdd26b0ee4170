"""Export the caller's items as CSV, and import a CSV all-or-nothing."""

from flask import Blueprint, Response, request, stream_with_context

from errors import APIError
from extensions import db
from item_csv import apply_import, export_lines, plan_import, read_import
from routes.auth import login_required
from routes.inventory import find_items
from schemas import ImportQuery, InventoryFilters, parse_query
from security import accepts

bp = Blueprint("inventory_csv", __name__, url_prefix="/inventory")


@bp.get("/export.csv")
@login_required
def export_csv():
    """Stream the caller's items as CSV, filtered and sorted like the list."""
    # Build (and validate) the query now, so bad filters still get a 400...
    stmt = find_items(parse_query(InventoryFilters))

    def generate():
        # ...but run it while streaming: the request's first session is closed
        # by then. yield_per reads rows in batches, so memory stays flat.
        yield from export_lines(
            db.session.scalars(stmt.execution_options(yield_per=500))
        )

    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="inventory.csv"'},
    )


@bp.post("/import")
@login_required
@accepts("text/csv")
def import_csv():
    """Create or update the caller's items by SKU: every row applies, or none."""
    query = parse_query(ImportQuery)
    if request.mimetype != "text/csv":
        raise APIError(415, "Content-Type must be text/csv.")
    rows = plan_import(read_import(request.get_data()))
    if not query.dry_run:
        apply_import(rows)
        db.session.commit()
    counts = {action: 0 for action in ("create", "update", "unchanged")}
    for row in rows:
        counts[row.action] += 1
    summary = ", ".join(f"{count} {action}" for action, count in counts.items())
    return {
        "status": "successful",
        "message": (
            f"Dry run, nothing was changed: would {summary}."
            if query.dry_run
            else f"Import applied: {summary}."
        ),
        "dry_run": query.dry_run,
        "created": counts["create"],
        "updated": counts["update"],
        "unchanged": counts["unchanged"],
        "rows": [row.report() for row in rows],
    }
