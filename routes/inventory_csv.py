"""Export the caller's items as CSV, and import a CSV all-or-nothing."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from itertools import chain, islice

from flask import Blueprint, Response, current_app, request, stream_with_context
from sqlalchemy import Select

from domain import item_queries
from domain.item_csv import apply_import, export_lines, plan_import, read_import
from errors import APIError
from extensions import db
from plumbing.error_examples import BAD_CSV_ROWS, NOT_CSV
from plumbing.item_shapes import ImportReport
from plumbing.operations import documented
from plumbing.security import accepts
from query_strings import ImportQuery, InventoryFilters, parse_query
from routes.auth import team_admin_required, team_member_required

bp = Blueprint("inventory_csv", __name__, url_prefix="/inventory")

EXPORT_BATCH = 500  # items read from the database at a time while streaming


@bp.get("/export.csv")
@team_member_required
@documented("text/csv", errors=(400, 401), query=InventoryFilters, tag="inventory")
def export_csv():
    """Export your team's items as CSV."""
    stmt = item_queries.find_items(parse_query(InventoryFilters))
    return csv_download(stmt, "inventory.csv")


def csv_download(stmt: Select, filename: str) -> Response:
    """Run ``stmt`` now and stream the items it selects as a CSV attachment."""
    # The body streams after the request's session is closed, so the export
    # reads on a connection of its own, given back when the stream ends.
    connection = db.engine.connect()
    cleanup = ExitStack()  # run once, at the end of the stream or on failure
    cleanup.callback(connection.close)
    try:
        items = connection.execute(stmt.execution_options(yield_per=EXPORT_BATCH))
        # Closed before the connection: PostgreSQL reads through a server-side
        # cursor, which a rollback alone leaves to the garbage collector.
        cleanup.callback(items.close)
        lines = export_lines(items)
        # Run the query and write the header and first batch now: if that
        # fails, the client gets the JSON error (and the log the real status),
        # not a 200 whose body breaks off. The rest is read batch by batch
        # while streaming, so memory stays flat however many items there are.
        head = list(islice(lines, EXPORT_BATCH + 1))
    except BaseException:
        cleanup.close()
        raise
    response = Response(
        stream_with_context(_stream(chain(head, lines), cleanup.close)),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
    # Also when the response is closed before streaming began.
    response.call_on_close(cleanup.close)
    return response


def _stream(lines: Iterator[str], close: Callable[[], None]) -> Iterator[str]:
    try:
        yield from lines
    except Exception:
        # Too late for an error response: the status line is sent and the log
        # line says 200. Say what really happened.
        current_app.logger.exception(
            "CSV export failed while streaming; the client got a truncated file"
        )
        raise
    finally:
        # At once, not when the server gets round to closing the response: an
        # open transaction would hold its locks (PostgreSQL) meanwhile.
        close()


@bp.post("/import")
@team_admin_required
@accepts("text/csv")
@documented(
    ImportReport,
    errors=(400, 401, 409, 413, 415),
    body_media_type="text/csv",
    query=ImportQuery,
    tag="inventory",
    examples={400: BAD_CSV_ROWS, 415: NOT_CSV},
)
def import_csv():
    """Create or update items by SKU from CSV, all or nothing."""
    query = parse_query(ImportQuery)
    if request.mimetype != "text/csv":
        raise APIError(415, "Content-Type must be text/csv.")
    max_rows = current_app.config["CSV_IMPORT_MAX_ROWS"]
    rows = plan_import(read_import(request.get_data(), max_rows))
    if not query.dry_run:
        apply_import(rows)
        db.session.commit()
    counts = {action: 0 for action in ("create", "update", "unchanged")}
    for row in rows:
        counts[row.action] += 1
    return {
        "status": "successful",
        "message": import_message(counts, query.dry_run),
        "dry_run": query.dry_run,
        "created": counts["create"],
        "updated": counts["update"],
        "unchanged": counts["unchanged"],
        "rows": [row.report() for row in rows],
    }


def import_message(counts: dict[str, int], dry_run: bool) -> str:
    """Say in a sentence what the import did, or would do."""
    created = f"{counts['create']} item{'' if counts['create'] == 1 else 's'}"
    updated, unchanged = counts["update"], counts["unchanged"]
    if dry_run:
        return (
            f"Dry run: nothing was changed. Importing would create {created}, "
            f"update {updated} and leave {unchanged} unchanged."
        )
    return (
        f"Import applied: created {created}, updated {updated} "
        f"and left {unchanged} unchanged."
    )
