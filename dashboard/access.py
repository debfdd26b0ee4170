"""Who is looking at a page: the login check, and what every template knows."""

import functools
from typing import TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Row

from dashboard import bp
from domain import teams
from errors import HTTP_MESSAGES, APIError, invalid_input
from field_types import STOCK_ROLES

Model = TypeVar("Model", bound=BaseModel)


def page_login_required(view):
    """Send a browser that is not logged in to the login page, then back here."""

    @functools.wraps(view)
    def wrapped_view(*args, **kwargs):
        if g.user_id is None:
            return login_redirect()
        return view(*args, **kwargs)

    return wrapped_view


def login_redirect():
    """Send the browser to the login page, to come back to this page after."""
    return redirect(url_for("dashboard.login", next=request.full_path.rstrip("?")))


def page_member_required(view):
    """Like page_login_required, and show a page only to a member of the team.

    The session's team is the one the API uses. A user removed from it (or
    whose team was deleted) moves to a team they are in, as the API moves
    them; only a team they could not move from gets a page saying so.
    """

    @page_login_required
    @functools.wraps(view)
    def wrapped_view(*args, **kwargs):
        if page_team() is None and teams.falls_back():
            teams.fall_back_to_first_team()
            g.pop("page_caller", None)  # read the caller's teams again
        if page_team() is None:
            return render_template("dashboard/no_team.html"), 404
        return view(*args, **kwargs)

    return wrapped_view


def page_query(model: type[Model]) -> Model:
    """Validate the page's query string like the API's, ignoring empty fields.

    A filter form submits every field, the empty ones too ("?category_id=");
    the API would refuse an empty id, but on a page it means "any".
    """
    arguments = {name: value for name, value in request.args.items() if value != ""}
    try:
        return model.model_validate(arguments)
    except ValidationError as exc:
        raise invalid_input(exc, "Invalid query parameters.") from None


def local_path(target: str | None) -> str:
    """Return ``target`` if it is a path on this site, else the home page.

    ``?next=`` comes from the address bar, so it must never send the browser
    to another site (``//evil.example`` or ``https://...`` are refused).
    """
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for("dashboard.home")


def _caller() -> list[Row]:
    """The caller's account and teams, read once per request (one statement).

    As rows on the request's read-only connection, so that a page that only
    reads never begins the session's transaction (views that need the User
    object still have ``g.user``).
    """
    if "page_caller" not in g:
        g.page_caller = teams.account_and_teams(g.user_id)
    return g.page_caller


@bp.app_template_global()
def page_team() -> dict | None:
    """The current team with the caller's role in it (None when not a member)."""
    row = current_team_row()
    if row is None:
        return None
    return {"id": row.team_id, "name": row.team_name, "role": row.role}


def current_team_row() -> Row | None:
    """The caller's row of the current team: its name, their role, its kept totals."""
    if g.user_id is None:
        return None
    for row in _caller():
        if row.team_id is not None and row.team_id == g.team_id:
            return row
    return None


@bp.app_template_global()
def page_teams() -> list[Row]:
    """Every team of the caller (team_id, team_name, role), for the team switcher."""
    if g.user_id is None:
        return []
    return [row for row in _caller() if row.team_id is not None]


@bp.app_template_global()
def page_user() -> Row:
    """The logged-in user's username and whether they are a site admin.

    A user deleted since logging in is sent to the login page, as ``g.user``
    would send them.
    """
    rows = _caller()
    if not rows:
        raise APIError(401, HTTP_MESSAGES[401])
    return rows[0]


@bp.app_template_global()
def is_team_admin() -> bool:
    """Whether the caller administers the current team (shows write controls)."""
    team = page_team()
    return team is not None and team["role"] == "admin"


@bp.app_template_global()
def can_move_stock() -> bool:
    """Whether the caller may record stock movements in the current team."""
    team = page_team()
    return team is not None and team["role"] in STOCK_ROLES
