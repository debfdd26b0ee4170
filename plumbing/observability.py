"""Request ids and logs: one line per request, tracebacks only in the log.

Every response carries ``X-Request-ID``: the caller's own (if it sent a
sensible one) or a new one. The same id is on every log line written while the
request ran, so a client's bug report can be matched to the server's log.
"""

import logging
import re
import time
import uuid

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from werkzeug.serving import WSGIRequestHandler

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s request_id=%(request_id)s %(message)s"

access_log = logging.getLogger("inventory.requests")


class RequestIdFilter(logging.Filter):
    """Stamp each log record with the current request's id ("-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's development server without its own access log (``python app.py``).

    finish_request() already writes the request's one line, with its id;
    werkzeug's "GET /path HTTP/1.1" 200 line would be a second, without one.
    Its errors and start-up messages are still logged.
    """

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


def start_request() -> None:
    """Adopt the caller's X-Request-ID if it is sensible, else make one."""
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def finish_request(response):
    """Echo the request id and write the request's one log line."""
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    started = g.get("request_started", time.perf_counter())
    access_log.info(
        "method=%s path=%s status=%d duration_ms=%.1f",
        request.method,
        request.path,
        response.status_code,
        (time.perf_counter() - started) * 1000,
    )
    return response


def init_observability(app: Flask) -> None:
    """Set up logging and request ids; call before anything else registers hooks."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    handler.inventory_handler = True
    for logger in (logging.getLogger("inventory"), app.logger):
        if not any(getattr(h, "inventory_handler", False) for h in logger.handlers):
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)
    # First in, so every other hook (and its errors) already has the id;
    # after_request hooks run in reverse, so the log line is written last.
    app.before_request(start_request)
    app.after_request(finish_request)
