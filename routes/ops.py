"""Operations endpoints: health checks for load balancers, and the version."""

from flask import Blueprint, current_app, redirect, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from errors import error_response, one_line
from extensions import db
from plumbing.error_examples import error_example, field_error
from plumbing.operations import documented
from plumbing.response_shapes import ApiIndex, Health, Version
from plumbing.sessions import session_store_available
from version import __version__

bp = Blueprint("ops", __name__)


@bp.get("/health")
@documented(
    Health,
    errors=(503,),
    login=False,
    tag="operations",
    examples={
        503: {
            "database_down": error_example(
                "The database does not answer",
                "Unavailable: database.",
                field_error("database", "Unavailable."),
                checks={"database": "unavailable", "session_store": "ok"},
            )
        }
    },
)
def health():
    """Check the database and the session store.

    Answer 503 naming what is down.
    """
    checks = {
        "database": database_available(),
        "session_store": session_store_available(),
    }
    report = {name: "ok" if up else "unavailable" for name, up in checks.items()}
    if all(checks.values()):
        return {"status": "successful", "checks": report}
    down = [name for name, up in checks.items() if not up]
    return error_response(
        503,
        "Unavailable: " + ", ".join(down) + ".",
        errors=[{"field": name, "message": "Unavailable."} for name in down],
        headers={"Retry-After": "5"},
        extra={"checks": report},
    )


@bp.get("/")
@documented(
    ApiIndex,
    login=False,
    tag="operations",
    extra_statuses={302: "A browser (Accept prefers text/html): to the dashboard."},
)
def index():
    """Show where to start: the API's documents, or the dashboard for a browser."""
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == (
        "text/html"
    ):
        return redirect(url_for("dashboard.home"))
    return {
        "status": "successful",
        "version": __version__,
        "links": {
            "openapi": url_for("docs.openapi_document"),
            "docs": url_for("docs.docs_page"),
            "dashboard": url_for("dashboard.home"),
        },
    }


@bp.get("/version")
@documented(Version, login=False, tag="operations")
def version():
    """Show the API version."""
    # Only the API's own version: anyone may call this, and runtime versions
    # (Python, libraries) would tell an attacker which known bugs to try.
    return {"status": "successful", "version": __version__}


def database_available() -> bool:
    """Return whether the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError as error:
        db.session.rollback()
        # An outage, not a bug: one line per check, not a traceback.
        current_app.logger.warning(
            "Health check: database unavailable: %s",
            one_line(getattr(error, "orig", None) or error),
        )
        return False
