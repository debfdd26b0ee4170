"""Accounts and sessions: register, log in, log out, and who am I."""

import functools
import math
import time

import redis
from flask import Blueprint, Response, current_app, g, session
from limits import RateLimitItem, parse_many
from sqlalchemy.exc import IntegrityError
from werkzeug.local import LocalProxy

from domain.history import record_history
from errors import HTTP_MESSAGES, APIError
from extensions import bcrypt, db, limiter
from models import User
from plumbing.error_examples import error_example, field_error
from plumbing.operations import documented
from plumbing.response_shapes import Message, UserBody, UserMessage
from plumbing.sessions import mark_refreshed
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


def admin_required(view):
    """Answer 401 unless logged in, and 403 unless the user is an admin."""

    @functools.wraps(view)
    @login_required
    def wrapped_view(*args, **kwargs):
        require_admin()
        return view(*args, **kwargs)

    return wrapped_view


def require_admin() -> None:
    """Raise 403 unless the logged-in user is an admin."""
    if not g.user.is_admin:
        raise APIError(403, "This needs the admin role.")


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
    user = User(username=data.username, email=data.email)
    user.set_password(data.password)
    db.session.add(user)
    try:
        db.session.flush()  # assigns user.id for the history row
        record_history(user.id, "register", user)
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
        "user": user.to_dict(),
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
    forget_login_attempts(data.username)
    record_history(user.id, "login", user)
    db.session.commit()
    start_session(user)
    return {
        "status": "successful",
        "message": "Login successful!",
        "user": user.to_dict(),
    }


@bp.post("/logout")
@login_required
@documented(Message, errors=(401, 415))
def logout():
    """End the session everywhere.

    The session is deleted from the server-side store, so every copy of the
    cookie stops working.
    """
    record_history(g.user_id, "logout", g.user)
    db.session.commit()
    # Clearing marks the session for deletion from the server-side store.
    session.clear()
    return {"status": "successful", "message": "Logged out successfully!"}


@bp.get("/me")
@login_required
@documented(UserBody, errors=(401,))
def me():
    """Show the logged-in user."""
    return {"status": "successful", "user": g.user.to_dict()}


def ensure_available(username: str, email: str) -> None:
    """Raise 409 naming the field if the username or email is taken."""
    errors = []
    if User.find_by_username(username) is not None:
        errors.append(
            {"field": "username", "message": "This username is already taken."}
        )
    if User.find_by_email(email) is not None:
        errors.append(
            {"field": "email", "message": "This email is already registered."}
        )
    if errors:
        raise APIError(409, "Username or email already registered.", errors)


def authenticate(username: str, password: str) -> User | None:
    """Return the user if the password matches, else None, in equal time."""
    user = User.find_by_username(username)
    if user is None:
        # Hash anyway so response time does not reveal which usernames exist.
        bcrypt.check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


# Failed logins per username (LOGIN_FAILURE_LIMIT), from any address.
#
# Every attempt takes a slot *before* its password is checked, in one atomic
# test-and-hit (the `limits` strategy's hit(), which refuses once the window is
# full; on Redis it is a single server-side script, so the count holds across
# gunicorn workers). Counting only after a 401, as Flask-Limiter's deduct_when
# does, let thirty attempts sent at once all be checked before the first was
# counted.
#
# A successful login then frees the username's slots, so the owner who finally
# types the right password is not locked out by their own typos, and logging in
# often is never limited. Only the right password frees them, so an attacker
# cannot; and while they are full even the right password waits (429) without
# being checked.
FAILED_LOGINS = "failed-logins"


def count_login_attempt(username: str) -> None:
    """Take a slot in the username's failed-login limit, or raise 429 if it is full."""
    if not limiter.enabled:
        return
    strategy, key = limiter.limiter, _username_key(username)
    for limit in _login_failure_limits():
        try:
            allowed = strategy.hit(limit, FAILED_LOGINS, key)
        except redis.RedisError:
            # Fail closed: without its counter this attempt cannot be allowed.
            current_app.logger.exception("Rate-limit store unavailable at login")
            raise APIError(
                503,
                "The rate-limit store is unavailable; please retry shortly.",
                headers={"Retry-After": "1"},
            ) from None
        if not allowed:
            reset_at = strategy.get_window_stats(limit, FAILED_LOGINS, key).reset_time
            retry_after = max(1, math.ceil(reset_at - time.time()))
            raise APIError(
                429,
                "Too many failed logins for this username; try again later.",
                headers={"Retry-After": str(retry_after)},
            )


def forget_login_attempts(username: str) -> None:
    """Free the username's failed-login slots after a successful login."""
    if not limiter.enabled:
        return
    try:
        for limit in _login_failure_limits():
            limiter.limiter.clear(limit, FAILED_LOGINS, _username_key(username))
    except redis.RedisError:
        # The password was right; the old count simply runs out on its own.
        current_app.logger.exception("Rate-limit store unavailable after login")


def _username_key(username: str) -> str:
    # The same folding as User.find_by_username, so every spelling that reaches
    # one account shares one count.
    return username.lower()


def _login_failure_limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_FAILURE_LIMIT"])


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


def start_session(user: User) -> None:
    """Log ``user`` in under a fresh session id (defeats session fixation)."""
    session.clear()
    session["user_id"] = user.id
    mark_refreshed()
    # regenerate() ignores an empty session, so the user id goes in first.
    current_app.session_interface.regenerate(session)


@functools.cache
def _dummy_hash() -> str:
    return bcrypt.generate_password_hash("not-a-real-password-1").decode()
