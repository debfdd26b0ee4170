"""Accounts and sessions: register, log in, log out, who am I, and which team.

Every request carries two facts the views rely on: ``g.user_id``, the
logged-in user, and ``g.team_id``, the team whose inventory the request acts
on (its ``X-Team-ID`` header, else the session's current team). Whether the
user really belongs to that team is checked by the decorators below, or by
the hottest reads' own statements (domain/teams.py).
"""

import functools
import time

import redis
from flask import Blueprint, Response, current_app, g, request, session
from sqlalchemy.exc import IntegrityError
from werkzeug.local import LocalProxy

from columns import MAX_ID
from domain import teams
from domain.accounts import (
    find_user_by_email,
    find_user_by_username,
    open_account,
    user_view,
)
from domain.history import record_history
from errors import HTTP_MESSAGES, APIError
from extensions import bcrypt, db, limiter
from models import User
from plumbing.error_examples import error_example, field_error
from plumbing.login_limits import count_login_attempt, forget_login_attempts
from plumbing.operations import documented
from plumbing.response_shapes import Message, UserMessage
from plumbing.sessions import begin_session, end_session
from plumbing.team_shapes import MeBody
from plumbing.user_sessions import remember_session
from schemas import LoginRequest, RegisterRequest, parse_body

bp = Blueprint("auth", __name__)


@bp.before_app_request
def load_logged_in_user() -> None:
    """Put the logged-in user's id on ``g.user_id`` and the user on ``g.user``.

    ``g.user`` is loaded from the database only when a view first uses it:
    reading an item needs just the id, which the session already holds.
    """
    g.user_id = session.get("user_id")
    g.user = LocalProxy(_logged_in_user)
    if g.user_id is not None and "team_id" not in session:
        # A session from before teams existed: start it in the first team.
        session["team_id"] = teams.first_team_id(g.user_id)
    g.team_id = requested_team_id()


TEAM_HEADER = "X-Team-ID"


def requested_team_id() -> int | None:
    """Return the team this request acts on: X-Team-ID if sent, else the session's."""
    named = request.headers.get(TEAM_HEADER)
    g.team_from_session = not named
    if not named:  # absent, or sent empty: not naming a team
        return session.get("team_id")
    if named.isascii() and named.isdigit() and int(named) <= MAX_ID:
        return int(named)
    return 0  # not an id: no team has it, so the request answers 404


def _logged_in_user() -> User:
    if "loaded_user" not in g:
        g.loaded_user = (
            db.session.get(User, g.user_id) if g.user_id is not None else None
        )
    if g.loaded_user is None:  # logged out, or the account no longer exists
        raise APIError(401, HTTP_MESSAGES[401])
    return g.loaded_user


def login_required(view):
    """Answer 401 unless someone is logged in."""

    @functools.wraps(view)
    def wrapped_view(*args, **kwargs):  # args: a method view's self
        if g.user_id is None:
            raise APIError(401, HTTP_MESSAGES[401])
        return view(*args, **kwargs)

    return wrapped_view


def require_admin() -> None:
    """Raise 403 unless the logged-in user has the site admin role."""
    if not g.user.is_admin:
        raise APIError(403, "This needs the site admin role.")


def _logged_in_and(check):
    """Make a decorator: login_required, then ``check()`` before the view."""

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped_view(*args, **kwargs):
            check()
            return view(*args, **kwargs)

        return wrapped_view

    return decorator


# 401 unless logged in, then: 403 unless a site admin;
admin_required = _logged_in_and(require_admin)
# 404 unless a member of the request's team;
team_member_required = _logged_in_and(teams.require_member)
# 404 unless a member of the request's team, and 403 unless its admin;
team_admin_required = _logged_in_and(teams.require_team_admin)
# 404 unless a member of the request's team, and 403 unless a clerk or admin.
stock_writer_required = _logged_in_and(teams.require_stock_writer)


def _config_value(name: str):
    return lambda: current_app.config[name]


@bp.post("/register")
@limiter.limit(
    _config_value("REGISTER_LIMIT"),
    error_message="Too many accounts created from this address; try again later.",
)
@documented(
    UserMessage,
    success=201,
    errors=(400, 409, 415, 429),
    body=RegisterRequest,
    login=False,
    examples={
        409: {
            "taken": error_example(
                "The username is taken",
                "Username or email already registered.",
                field_error("username", "This username is already taken."),
            )
        },
        429: {
            "too_many": error_example(
                "Too many accounts from one address",
                "Too many accounts created from this address; try again later.",
            )
        },
    },
)
def register():
    """Create an account."""
    data = parse_body(RegisterRequest)
    ensure_available(data.username, data.email)
    try:
        user, _ = open_account(data.username, data.email, data.password)
        db.session.commit()
    except IntegrityError:
        # A concurrent request registered the same name or email after our
        # check; the unique index stopped it. Report which one, as a 409.
        db.session.rollback()
        ensure_available(data.username, data.email)
        raise
    return {
        "status": "successful",
        "message": "User registered successfully!",
        "user": user_view(user),
    }, 201


@bp.post("/login")
@limiter.limit(
    _config_value("LOGIN_LIMIT"),
    error_message="Too many login attempts from this address; try again later.",
)
@documented(
    UserMessage,
    errors=(400, 401, 415, 429),
    body=LoginRequest,
    login=False,
    examples={
        401: {
            "bad_credentials": error_example(
                "Wrong username or password", "Invalid username or password."
            )
        },
        429: {
            "failed_logins": error_example(
                "Too many failed logins for one username",
                "Too many failed logins for this username; try again later.",
            ),
            "attempts": error_example(
                "Too many logins from one address",
                "Too many login attempts from this address; try again later.",
            ),
        },
    },
)
def login():
    """Log in and start a session (sets the session cookie)."""
    data = parse_body(LoginRequest)
    count_login_attempt(data.username)
    user = authenticate(data.username, data.password)
    if user is None:
        raise APIError(401, "Invalid username or password.")
    team_id = teams.first_team_id(user.id)
    # The session is stored first: if its store fails, nothing is committed.
    start_session(user, team_id)
    record_history(user.id, "login", user, team_id=team_id)
    db.session.commit()
    forget_login_attempts(data.username)
    return {
        "status": "successful",
        "message": "Login successful!",
        "user": user_view(user),
    }


@bp.post("/logout")
@login_required
@documented(Message, errors=(401, 415))
def logout():
    """End the session everywhere.

    The session is deleted from the server-side store, so every copy of the
    cookie stops working.
    """
    # In the current team, unless the caller has just left it (or named
    # another in X-Team-ID): then in their first.
    team_id = g.team_id if teams.team_role() else teams.first_team_id(g.user_id)
    # Deleted from the store first: if that fails, nothing is committed.
    end_session()
    record_history(g.user_id, "logout", g.user, team_id=team_id)
    db.session.commit()
    return {"status": "successful", "message": "Logged out successfully!"}


@bp.get("/me")
@login_required
@documented(MeBody, errors=(401,))
def me():
    """Show the logged-in user, and the current team with their role in it."""
    team = teams.current_team_summary()
    return {"status": "successful", "user": user_view(g.user), "team": team}


def ensure_available(username: str, email: str) -> None:
    """Raise 409 naming the field if the username or email is taken."""
    errors = []
    if find_user_by_username(username) is not None:
        errors.append(
            {"field": "username", "message": "This username is already taken."}
        )
    if find_user_by_email(email) is not None:
        errors.append(
            {"field": "email", "message": "This email is already registered."}
        )
    if errors:
        raise APIError(409, "Username or email already registered.", errors)


def authenticate(username: str, password: str) -> User | None:
    """Return the user if the password matches, else None, in equal time."""
    user = find_user_by_username(username)
    if user is None:
        # Hash anyway so response time does not reveal which usernames exist.
        bcrypt.check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


@bp.after_request
def add_rate_limit_headers(response: Response) -> Response:
    """Describe the address limit this request counted against; Retry-After on 429.

    Flask-Limiter's own headers (RATELIMIT_HEADERS_ENABLED, off in config.py)
    would put Retry-After on every response, successful logins included.
    """
    limit = limiter.current_limit
    if limit is None:  # limits are off
        return response
    try:
        reset_at, remaining = limit.reset_at, limit.remaining
    except redis.RedisError:  # the store went away; the body still stands
        return response
    response.headers["X-RateLimit-Limit"] = str(limit.limit.amount)
    response.headers["X-RateLimit-Remaining"] = str(remaining)
    response.headers["X-RateLimit-Reset"] = str(reset_at)
    if response.status_code == 429 and "Retry-After" not in response.headers:
        response.headers["Retry-After"] = str(max(1, reset_at - int(time.time())))
    return response


def start_session(user: User, team_id: int | None) -> None:
    """Log ``user`` in under a fresh session id (defeats session fixation)."""
    begin_session(user_id=user.id, team_id=team_id)
    remember_session(user.id, session.sid)  # so a password change can end it


@functools.cache
def _dummy_hash() -> str:
    return bcrypt.generate_password_hash("not-a-real-password-1").decode()
