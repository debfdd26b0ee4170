"""A real HTTP server for the tests that need one: browsers, races, round trips."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import WSGIRequestHandler, make_server


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` from a real multi-threaded HTTP server; yield its base URL."""
    # Port 0: the kernel picks a free port, so parallel runs never collide.
    server = make_server(
        "127.0.0.1",
        0,
        remembering_responses(app),
        threaded=True,
        request_handler=ClosingRequestHandler,
    )
    # A short poll interval: shutdown() waits up to one interval (0.5 s by
    # default), at the end of every test that uses a live server.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


RESPONSE_KEY = "tests.response"


def remembering_responses(app):
    """Wrap ``app`` so that each request's environ keeps its response."""

    def wsgi(environ, start_response):
        response = app(environ, start_response)
        environ[RESPONSE_KEY] = response
        return response

    return wsgi


class ClosingRequestHandler(WSGIRequestHandler):
    """Werkzeug's request handler, closing the response when the client hangs up.

    If the client drops the connection while Werkzeug drains the request after
    the response (serving.py, execute()), Werkzeug skips the response's
    close(): a file it was sending, such as a static file answered 304 to a
    browser, stays open until garbage collection, and its ResourceWarning then
    fails whichever test happens to be running.
    """

    def connection_dropped(self, error, environ=None):
        response = (environ or {}).get(RESPONSE_KEY)
        if hasattr(response, "close"):
            response.close()
        super().connection_dropped(error, environ)
