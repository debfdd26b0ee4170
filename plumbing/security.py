"""Request checks run before every view, and security headers on every response.

Cross-site request forgery: a browser on another site can make a user's
browser send the session cookie with a form post, but such a request either
carries a form content type or a cross-site ``Origin``/``Sec-Fetch-Site``
header. curl and Postman send neither header and always send JSON, so they are
unaffected.

Body size: every body is read here, whole or not at all, so that no view ever
sees part of a body as if it were all of it (see ``refuse_oversized_bodies``).
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from errors import APIError

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CROSS_SITE_MESSAGE = (
    "Refused: this request came from a page on another site. To protect you "
    "against cross-site request forgery (CSRF), changes are accepted only from "
    "this API's own origin or an origin it trusts."
)


def reject_cross_site_requests() -> None:
    """Refuse state-changing requests sent by a page on another site."""
    if request.method not in UNSAFE_METHODS:
        return
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
        origin is not None and not _is_trusted_origin(origin)
    ):
        raise APIError(403, CROSS_SITE_MESSAGE)


def accepts(*mimetypes: str):
    """Let a view take request bodies of these types instead of JSON.

    Only types a cross-site HTML form cannot send (so not form encodings or
    text/plain) keep the CSRF protection; text/csv is one.
    """

    def decorate(view):
        view.accepted_mimetypes = frozenset(mimetypes)
        return view

    return decorate


def require_json_body() -> None:
    """Accept only JSON (or the view's declared type) on state-changing requests.

    A request without a body is fine.
    """
    if request.method not in UNSAFE_METHODS or request.routing_exception is not None:
        return  # an unknown URL or method gets its 404/405 first
    if not (request.content_type or _has_body()) or request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint)
    if request.mimetype not in getattr(view, "accepted_mimetypes", ()):
        raise UnsupportedMediaType()


def refuse_oversized_bodies() -> None:
    """Answer 413 for any body over MAX_CONTENT_LENGTH, chunked or not.

    Werkzeug refuses a Content-Length over the limit, but a chunked body has
    none: Werkzeug reads it up to the limit and then stops without an error,
    so the view would take the first megabyte for the whole body (a truncated
    CSV import, a price cut from 12345.00 to 12). Reading the body here, once,
    means every reader after us (``request.get_data()`` returns this cached
    copy) sees all of it or gets a 413 before anything changes.
    """
    if request.routing_exception is not None or not _has_body():
        return  # an unknown URL or method gets its 404/405 first
    body = request.get_data()  # 413 here when Content-Length is over the limit
    limit = request.max_content_length
    if limit is None or request.content_length is not None or len(body) < limit:
        return
    # A body without a length filled the limit: one more byte from the raw
    # stream tells a body of exactly the limit (allowed) from a longer one.
    # Only a stream the server ends at the body's end can be read past the
    # limit without hanging (gunicorn and Werkzeug's server mark theirs).
    if request.environ.get("wsgi.input_terminated") and request.input_stream.read(1):
        raise RequestEntityTooLarge()


def _has_body() -> bool:
    transfer_encoding = request.headers.get("Transfer-Encoding", "").lower()
    return bool(request.content_length) or "chunked" in transfer_encoding


def _is_trusted_origin(origin: str) -> bool:
    own_origin = request.host_url.rstrip("/")
    return origin == own_origin or origin in current_app.config["TRUSTED_ORIGINS"]


# Set on every response unless the view set its own value.
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"),
)


def set_security_headers(response):
    """Stop browsers from sniffing, framing or caching API responses."""
    # One pass over the headers already set (Headers.setdefault would look
    # each name up with an exception when it is absent: the usual case).
    present = {name.lower() for name, _ in response.headers.items()}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            response.headers.add(name, value)
    return response


def init_security(app: Flask) -> None:
    """Install the request checks and response headers."""
    app.before_request(reject_cross_site_requests)
    app.before_request(require_json_body)
    app.before_request(refuse_oversized_bodies)
    app.after_request(set_security_headers)
