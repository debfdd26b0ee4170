"""The one JSON error envelope, and the handlers that turn every failure into it.

Every 4xx and 5xx response has the same shape::

    {"status": "failed", "message": "...", "errors": [{"field": ..., "message": ...}],
     "timestamp": "2026-11-23T18:45:12.345678+00:00"}

``errors`` lists per-field problems and is empty when there are none. No
exception text, stack trace or SQL ever reaches the client; those go to the log.
"""

import errno
import sqlite3
from typing import Any

from flask import Flask, current_app, jsonify
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from extensions import db
from plumbing.envelope import utc_timestamp

# Messages for Werkzeug's own errors (unknown URL, wrong method, ...).
HTTP_MESSAGES = {
    400: "Bad request.",
    401: "Authentication required: log in with POST /login.",
    403: "You are not allowed to do this.",
    404: "Resource not found.",
    405: "Method not allowed for this URL.",
    412: "Precondition failed.",
    413: "Request body is too large.",
    415: "Content-Type must be application/json.",
    429: "Too many requests; retry after the number of seconds in Retry-After.",
    500: "Internal server error.",
}

# Friendlier wording for the Pydantic error types a client meets most.
VALIDATION_MESSAGES = {
    "missing": "This field is required.",
    "extra_forbidden": "Unknown field.",
}
# Wording for failed patterns, and the tags of tagged unions (which Pydantic
# puts in an error's location), filled in by field_types.py and schemas.py.
PATTERN_MESSAGES: dict[str, str] = {}
UNION_TAGS: set[str] = set()

DATABASE_BUSY_MESSAGE = "The database is busy or unavailable; please retry shortly."
DISK_FULL_MESSAGE = (
    "Nothing was saved: the server's disk is full. Ask whoever runs the server "
    "to free some space, then try again."
)
DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
POSTGRES_DISK_FULL = "53100"  # SQLSTATE disk_full


class APIError(Exception):
    """An error whose status code and message are safe to show the client."""

    def __init__(
        self,
        status_code: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.message = message
        self.errors = errors or []
        self.headers = headers or {}
        # More top-level fields for the body, such as current_version on a 412.
        self.extra = extra or {}


def error_body(
    message: str,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the JSON error envelope as a dict."""
    # Stamped here as well as by the JSON provider (envelope.py): the session
    # layer writes this body straight into a finished response (sessions.py).
    return {
        "status": "failed",
        "message": message,
        "errors": errors or [],
        **(extra or {}),
        "timestamp": utc_timestamp(),
    }


def error_response(
    status_code: int,
    message: str,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
):
    """Build a response in the JSON error envelope."""
    response = jsonify(error_body(message, errors, extra))
    response.status_code = status_code
    response.headers.update(headers or {})
    return response


def invalid_input(
    exc: ValidationError, message: str = "Validation failed."
) -> APIError:
    """Turn a Pydantic ValidationError into a 400 naming each bad field."""
    problems = exc.errors(include_url=False, include_input=False)
    for problem in problems:
        if problem["type"] == "json_invalid":
            detail = problem["msg"].removeprefix("Invalid JSON: ")
            return APIError(
                400,
                "Request body is not valid JSON.",
                [{"field": None, "message": detail}],
            )
        if problem["type"] == "model_type" and not problem["loc"]:
            return APIError(400, "Request body must be a JSON object.")
    errors = [
        {"field": _field_name(problem["loc"]), "message": _message(problem)}
        for problem in problems
    ]
    return APIError(400, message, errors)


def _field_name(location: tuple) -> str | None:
    if location and location[0] in UNION_TAGS:
        location = location[1:]
    return ".".join(str(part) for part in location) or None


def _message(problem: dict[str, Any]) -> str:
    if problem["type"] == "string_pattern_mismatch":
        pattern = problem.get("ctx", {}).get("pattern")
        if pattern in PATTERN_MESSAGES:
            return PATTERN_MESSAGES[pattern]
    if problem["type"] in VALIDATION_MESSAGES:
        return VALIDATION_MESSAGES[problem["type"]]
    return problem["msg"].removeprefix("Value error, ")


def handle_api_error(error: APIError):
    return error_response(
        error.status_code, error.message, error.errors, error.headers, error.extra
    )


def handle_http_exception(error: HTTPException):
    # Keep headers Werkzeug sets for a reason, such as Allow on a 405.
    headers = {
        name: value
        for name, value in error.get_headers()
        if name.lower() not in ("content-type", "content-length")
    }
    code = error.code or 500
    message = HTTP_MESSAGES.get(code, error.name + ".")
    if code == 429 and error.description:
        message = error.description  # the rate limit's own explanation
    if code == 413:
        limit_kb = current_app.config["MAX_CONTENT_LENGTH"] // 1024
        message = f"Request body is too large (limit {limit_kb} KB)."
    return error_response(code, message, headers=headers)


def handle_database_unavailable(error: OperationalError):
    # "database is locked" after the busy timeout, or the server is unreachable:
    # the request did not happen, and retrying shortly is the right response.
    # A full disk does not pass in a second: say so, without Retry-After.
    db.session.rollback()
    current_app.logger.error("Database unavailable: %s", one_line(error.orig))
    if disk_is_full(error.orig):
        return error_response(503, DISK_FULL_MESSAGE)
    return error_response(503, DATABASE_BUSY_MESSAGE, headers={"Retry-After": "1"})


def disk_is_full(error: BaseException) -> bool:
    """Return whether a file, SQLite or PostgreSQL error means the disk is full."""
    if isinstance(error, OSError):
        return error.errno in DISK_FULL_ERRNOS
    if isinstance(error, sqlite3.Error):
        # sqlite_errorcode is Python 3.11+; 3.10 has only the message.
        code = getattr(error, "sqlite_errorcode", None)
        return code == sqlite3.SQLITE_FULL or str(error) == "database or disk is full"
    return getattr(error, "sqlstate", None) == POSTGRES_DISK_FULL


def one_line(error: BaseException) -> str:
    """Describe an expected failure in one log line (drivers' messages span several)."""
    return f"{type(error).__name__}: {' '.join(str(error).split())}"


def handle_integrity_error(error: IntegrityError):
    # Views check uniqueness and references before writing, so this is a race:
    # another request changed the same data in between. Nothing was stored.
    db.session.rollback()
    current_app.logger.warning("Integrity error (concurrent change): %s", error.orig)
    return error_response(
        409, "The data changed while this request ran; nothing was saved. Retry."
    )


def handle_unexpected_error(error: Exception):
    db.session.rollback()
    current_app.logger.exception("Unhandled exception")
    return error_response(500, HTTP_MESSAGES[500])


def register_error_handlers(app: Flask) -> None:
    """Route every exception to the JSON envelope."""
    app.register_error_handler(APIError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected_error)
