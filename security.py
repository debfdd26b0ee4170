"""Cross-site request forgery defences and security headers for every response.

A browser on another site can make a user's browser send the session cookie
with a form post, but such a request either carries a form content type or a
cross-site ``Origin``/``Sec-Fetch-Site`` header. curl and Postman send
neither header and always send JSON, so they are unaffected.
"""

from flask import Flask, current_app, request
from werkzeug.exceptions import Forbidden, UnsupportedMediaType

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def reject_cross_site_requests() -> None:
    """Refuse state-changing requests sent by a page on another site."""
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        raise Forbidden()
    origin = request.headers.get("Origin")
    if origin is not None and not _is_trusted_origin(origin):
        raise Forbidden()


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
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if not (request.content_type or has_body) or request.is_json:
        return
    view = current_app.view_functions.get(request.endpoint)
    if request.mimetype not in getattr(view, "accepted_mimetypes", ()):
        raise UnsupportedMediaType()


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
    app.after_request(set_security_headers)
