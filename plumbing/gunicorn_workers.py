"""The gunicorn worker behind `make serve`: threads that only meet whole requests.

gunicorn's threaded worker (gthread) hands each new connection to a thread,
which then reads the request with a blocking socket. A client that opens a
connection and sends nothing holds that thread for 5 seconds; one that sends
its headers a byte a second holds it for as long as it likes. A few such
clients stall every thread of every worker ("slowloris"). And gunicorn answers
a request it cannot parse (a URL or header over its limits) with an HTML page
of its own, not the API's JSON envelope.

``APIWorker`` changes three things and keeps the rest of gthread:

1. The worker's main loop, which already waits on every idle connection with
   one poller, also collects each request's head (request line and headers)
   as its bytes arrive. Only a complete head goes to a thread. A client gets
   ``HEADER_TIMEOUT`` seconds in all to send it, then the connection is closed,
   however slowly the bytes trickle in.
2. The body, read by the application in a thread, must arrive within
   ``BODY_TIMEOUT`` seconds in all, or the request ends with a 408; a client
   that stops reading its response frees the thread once a write of the
   response has waited ``BODY_TIMEOUT`` seconds.
3. Requests gunicorn refuses get the API's JSON error envelope and security
   headers: 414 for a request line over ``limit_request_line``, 431 for too
   many or too large headers, 400 for anything else malformed.

A buffering reverse proxy in front (docs/DEPLOY.md) does the same job at the
edge; this worker keeps gunicorn safe when it is exposed directly.
"""

import json
import os
import select
import selectors
import ssl
import time
from functools import partial
from http import HTTPStatus

from gunicorn import http, util
from gunicorn.http import errors as parse_errors
from gunicorn.http.message import (
    DEFAULT_MAX_HEADERFIELD_SIZE,
    MAX_HEADERS,
    MAX_REQUEST_LINE,
)
from gunicorn.http.unreader import SocketUnreader
from gunicorn.http2 import negotiation
from gunicorn.workers.gthread import ThreadWorker
from werkzeug.exceptions import RequestTimeout

from errors import error_body
from plumbing.security import SECURITY_HEADERS

# Seconds a client has to send a request's head, counted from the moment it
# connected (on a kept-alive connection, from the next request's first byte).
HEADER_TIMEOUT = float(os.environ.get("GUNICORN_HEADER_TIMEOUT", "10"))
# Seconds a client has to send a request's body, counted from the end of its
# head; also the longest one write of the response may wait for the client.
BODY_TIMEOUT = float(os.environ.get("GUNICORN_BODY_TIMEOUT", "30"))


class DeadlineUnreader(SocketUnreader):
    """Read a request from its socket, giving up at ``deadline``.

    A socket timeout bounds each read, so a client sending a byte at a time
    would never trip it; the deadline bounds them all together.
    """

    deadline: float | None = None
    timed_out = False

    def chunk(self, size_hint=None):
        """Return the next bytes from the socket, or raise 408 past the deadline."""
        if self.deadline is not None:
            remaining = self.deadline - time.monotonic()
            # Wait with select(), not settimeout(): the socket's own timeout
            # also governs writing the response and must stay as it is.
            if remaining <= 0 or not select.select([self.sock], [], [], remaining)[0]:
                # An HTTPException, so that Flask answers it in the JSON
                # envelope when it happens while the application reads.
                self.timed_out = True
                raise RequestTimeout()
        return super().chunk(size_hint)


class APIWorker(ThreadWorker):
    """gthread that collects request heads in its poller and answers in JSON."""

    def init_process(self):
        """Size the head buffer from the configured limits, then run gthread."""
        self.max_head_size = head_size_limit(self.cfg)
        super().init_process()

    def enqueue_req(self, conn):
        """Wait for a whole request head in the poller, then hand it to a thread."""
        if self.cfg.is_ssl or negotiation.prior_knowledge_allowed(
            self.cfg, conn.client
        ):
            # TLS and HTTP/2 negotiation happen in the thread (TLS belongs at
            # the proxy, docs/DEPLOY.md): keep gthread's own behaviour.
            super().enqueue_req(conn)
            return
        if conn.parser is None:
            conn.parser = http.get_parser(self.cfg, conn.sock, conn.client)
            conn.parser.unreader = DeadlineUnreader(conn.sock)
        # A kept-alive client may have sent its next request with the last one.
        # The head so far lives on the connection until a thread takes it.
        conn.head = bytearray(conn.parser.unreader.take_buffered())
        conn.timeout = time.monotonic() + HEADER_TIMEOUT
        if self.head_is_complete(conn.head):
            self.dispatch(conn)
            return
        conn.sock.setblocking(False)
        # gthread closes pending connections whose timeout has passed; every
        # head gets the same allowance, so the deque stays in deadline order.
        self.pending_conns.append(conn)
        self.poller.register(
            conn.sock, selectors.EVENT_READ, partial(self.read_head, conn)
        )

    def read_head(self, conn, client):
        """Add the bytes that arrived to the connection's head (main thread)."""
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            conn.head += data
            if not self.head_is_complete(conn.head):
                return  # still pending, with the deadline it was given
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if data:
            self.dispatch(conn)
        else:  # the client went away
            self.nr_conns -= 1
            conn.close()

    def head_is_complete(self, head: bytearray) -> bool:
        """Whether the parser can decide on ``head`` without reading more."""
        # A blank line ends the head (a bare LF too: the parser rejects it);
        # past the size limits, the parser rejects it with a 414 or 431.
        return b"\n\r\n" in head or b"\n\n" in head or len(head) > self.max_head_size

    def dispatch(self, conn):
        """Give a connection with a complete head to a thread."""
        conn.parser.unreader.unread(bytes(conn.head))
        conn.parser.unreader.deadline = conn.timeout
        del conn.head
        conn.data_ready = True  # gthread need not wait for data in the thread
        super().enqueue_req(conn)

    def handle_request(self, req, conn):
        """Serve one parsed request, bounding the time its body and response take."""
        unreader = conn.parser.unreader
        unreader.deadline = time.monotonic() + BODY_TIMEOUT
        # Bounds each write of the response: a client that stops reading it
        # releases the thread.
        conn.sock.settimeout(BODY_TIMEOUT)
        try:
            keepalive = super().handle_request(req, conn)
        finally:
            # gthread drains an unread body with its own deadline afterwards.
            unreader.deadline = None
        # After a timeout the rest of the body is still on its way: close
        # rather than wait to drain it.
        return keepalive and not unreader.timed_out

    def handle_error(self, req, client, addr, exc):
        """Answer a request gunicorn refused in the API's JSON envelope."""
        status, message = refusal(exc, self.cfg)
        if status >= 500:
            self.log.exception("Error handling request")
        else:
            # Logged, never sent: the text can hold the client's own bytes.
            self.log.warning("Invalid request from ip=%s: %s", (addr or ("",))[0], exc)
        try:
            # One try without waiting, as gunicorn's own error pages.
            util.write_nonblock(client, json_response(status, message))
        except OSError:
            self.log.debug("Failed to send error response.")


def head_size_limit(cfg) -> int:
    """Return how many head bytes the parser reads at most before refusing."""
    # The same clamping as gunicorn.http.message, where 0 means "unlimited".
    line = cfg.limit_request_line
    if line <= 0 or line > MAX_REQUEST_LINE:
        line = MAX_REQUEST_LINE
    fields = cfg.limit_request_fields
    if fields <= 0 or fields > MAX_HEADERS:
        fields = MAX_HEADERS
    field_size = cfg.limit_request_field_size
    if field_size <= 0:
        field_size = DEFAULT_MAX_HEADERFIELD_SIZE
    return line + 2 + fields * (field_size + 2) + 4


# gunicorn's refusals, most specific first: status and what the client reads.
REFUSALS = (
    (
        parse_errors.LimitRequestLine,
        414,
        "Request line is too long (limit {line} bytes).",
    ),
    (
        parse_errors.LimitRequestHeaders,
        431,
        "Request headers are too large (at most {fields} headers"
        " of {field_size} bytes each).",
    ),
    (RequestTimeout, 408, "The request was not received in time."),
    (
        parse_errors.UnsupportedTransferCoding,
        501,
        "Transfer-Encoding is not supported.",
    ),
    (parse_errors.ExpectationFailed, 417, "Expectation failed."),
    (parse_errors.ForbiddenProxyRequest, 403, "You are not allowed to do this."),
    (parse_errors.ConfigurationProblem, 500, "Internal server error."),
    (parse_errors.ParseException, 400, "Malformed HTTP request."),
    (ssl.SSLError, 400, "Malformed HTTP request."),
)


def refusal(exc: BaseException, cfg) -> tuple[int, str]:
    """Return the status and message for an error raised outside the application."""
    for error_class, status, message in REFUSALS:
        if isinstance(exc, error_class):
            return status, message.format(
                line=cfg.limit_request_line,
                fields=cfg.limit_request_fields,
                field_size=cfg.limit_request_field_size,
            )
    return 500, "Internal server error."


def json_response(status: int, message: str) -> bytes:
    """Return a whole HTTP response carrying the JSON error envelope."""
    body = json.dumps(error_body(message), separators=(",", ":")).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
        *SECURITY_HEADERS,
    ]
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers)
    return (head + "\r\n").encode("latin-1") + body
