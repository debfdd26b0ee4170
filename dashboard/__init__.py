"""The dashboard: server-rendered pages under /app, on the API's own session.

Pages read through the same domain functions as the API and never call the
API over HTTP. Every change a page makes is a ``fetch()`` with a JSON body to
an existing API endpoint (static/js/app.js), so the API's CSRF defence (JSON
bodies only, the Origin check, the SameSite cookie) covers the pages too, and
there is no second write path to keep in step.
"""

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from errors import APIError
from routes.history import relative_time

bp = Blueprint(
    "dashboard",
    __name__,
    url_prefix="/app",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

# Pages may load scripts, styles and images from this app only: no inline
# script or style (Alpine's CSP build needs neither), no eval, no framing.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data:; connect-src 'self'; font-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


@bp.app_template_global()
def page_url(page: int) -> str:
    """Return this page's address with another page number, filters kept."""
    filled = {name: value for name, value in request.args.items() if value != ""}
    arguments = {**filled, **(request.view_args or {}), "page": page}
    return url_for(request.endpoint, **arguments)


bp.add_app_template_global(relative_time)


@bp.after_request
def set_page_headers(response):
    """Give pages their own Content-Security-Policy (the API's allows nothing)."""
    response.headers["Content-Security-Policy"] = PAGE_CSP
    return response


@bp.errorhandler(APIError)
@bp.errorhandler(HTTPException)
def page_error(error):
    """Answer a page's error with an HTML page in the layout, never JSON."""
    status = error.status_code if isinstance(error, APIError) else error.code
    if status == 401:  # the account is gone, or the session expired
        from dashboard.access import login_redirect  # access imports bp from here

        return login_redirect()
    message = error.message if isinstance(error, APIError) else error.description
    return render_template("dashboard/error.html", status=status, message=message), (
        status or 500
    )


@bp.get("/<path:unknown>")
def unknown_page(unknown: str):
    """Show the 404 page for any other address under /app."""
    return render_template(
        "dashboard/error.html", status=404, message="There is no page here."
    ), 404


def init_dashboard(app: Flask) -> None:
    """Register the pages, and the favicon browsers ask for at the site's root."""
    from dashboard import (  # noqa: F401  (importing a page registers its routes)
        account,
        alerts,
        auth_pages,
        catalog,
        history_page,
        history_words,
        home,
        item_page,
        items,
        people,
    )

    app.register_blueprint(bp)
    app.add_url_rule(
        "/favicon.ico",
        "dashboard.favicon",
        lambda: redirect(url_for("dashboard.static", filename="favicon.svg"), 301),
    )
