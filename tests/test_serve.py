"""`make serve` itself against slow, silent and oversized clients.

Each server here is the real thing: ``make serve`` (migrations, then gunicorn
with gunicorn.conf.py and its default workers) on a free port and a temporary
instance folder, stopped with its whole process group whatever happens.
"""

import contextlib
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import ANY

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
# Generous bounds for a busy machine; they only stop a hang, nothing is timed.
START_TIMEOUT = 60
ANSWER_TIMEOUT = 5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(folder: Path, **settings: str) -> Iterator[str]:
    """Run `make serve` with ``settings`` in the environment; yield its base URL."""
    port = free_port()
    env = {
        name: value
        for name, value in os.environ.items()
        # The zero-setup default (SQLite in the instance folder), whatever
        # the environment running the tests holds.
        if not name.startswith(("DATABASE_", "SESSION_", "GUNICORN_", "FLASK_"))
        and name not in ("WEB_CONCURRENCY", "RATELIMIT_STORAGE_URI")
    }
    env |= {
        "INSTANCE_PATH": str(folder / "instance"),
        "BIND": f"127.0.0.1:{port}",
        "APP_ENV": "production",
        "SECRET_KEY": "test-serve-secret",
        **settings,
    }
    log = folder / "serve.log"
    with log.open("wb") as output:
        # -o: take the installed virtualenv as it is (no pip run in a test).
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed-app", "serve"],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, gunicorn, workers
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(base, process, log)
        yield base
    finally:
        stop(process)


def wait_until_healthy(base: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass  # still migrating, or a worker still booting
        time.sleep(0.2)
    pytest.fail(f"make serve did not start:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """Stop make and every gunicorn process it started."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=15)
            # make may be gone before gunicorn's workers: wait for the group.
            os.killpg(process.pid, 0)
            time.sleep(1)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    """`make serve` on its defaults."""
    yield from serve(tmp_path_factory.mktemp("serve"))


@pytest.fixture(scope="module")
def impatient_server(tmp_path_factory) -> Iterator[str]:
    """`make serve` giving clients one second for a head, and one for a body."""
    yield from serve(
        tmp_path_factory.mktemp("impatient"),
        GUNICORN_HEADER_TIMEOUT="1",
        GUNICORN_BODY_TIMEOUT="1",
    )


def connect(base: str) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)), timeout=ANSWER_TIMEOUT)
    return client


def receive_all(client: socket.socket) -> bytes:
    """Read until the server closes the connection (bounded by the timeout)."""
    received = b""
    while chunk := client.recv(65536):
        received += chunk
    return received


class Dribbler:
    """Slow clients: some send nothing, some a request a byte at a time."""

    def __init__(self, base: str, silent: int, partial: list[bytes]) -> None:
        self.silent = [connect(base) for _ in range(silent)]
        self.dribbling = [connect(base) for _ in partial]
        for client, start in zip(self.dribbling, partial, strict=True):
            client.sendall(start)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self.dribble, daemon=True)

    def dribble(self) -> None:
        # One more byte of a header value (or the URL) each half second.
        while not self.done.wait(0.5):
            for client in self.dribbling:
                # A client the server closed fails here; all_still_open() says so.
                with contextlib.suppress(OSError):
                    client.sendall(b"a")

    def all_still_open(self) -> bool:
        for client in self.silent + self.dribbling:
            client.setblocking(False)
            try:
                if not client.recv(1):
                    return False  # closed, or answered: the server gave up
            except BlockingIOError:
                pass  # open, and nothing to read: still waiting
            finally:
                client.setblocking(True)
        return True

    def __enter__(self) -> "Dribbler":
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.done.set()
        self.thread.join(timeout=ANSWER_TIMEOUT)
        for client in self.silent + self.dribbling:
            client.close()


def test_health_answers_while_ten_slow_clients_hold_connections(server):
    # Before: the sync workers (one per core) each blocked reading one slow
    # client, and /health timed out behind them.
    partial = [b"GET /inventory?page=1"] * 3 + [
        b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: a"
    ] * 3
    with Dribbler(server, silent=4, partial=partial) as slow_clients:
        time.sleep(1)  # every slow connection accepted and dribbling
        for _ in range(3):
            response = requests.get(f"{server}/health", timeout=ANSWER_TIMEOUT)
            assert response.status_code == 200
            assert response.json()["status"] == "successful"
        # The slow clients were waited on, not dropped to make room.
        assert slow_clients.all_still_open()


def test_a_kept_alive_connection_cannot_stall_the_server_either(server):
    # A client that finished one request may dribble the next one: its head
    # is collected by the worker's poller like a new connection's.
    slow = connect(server)
    slow.sendall(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
    assert slow.recv(65536).startswith(b"HTTP/1.1 200")
    slow.sendall(b"GET /health HTTP/1.1\r\nX-Slow: a")
    try:
        for _ in range(3):
            response = requests.get(f"{server}/health", timeout=ANSWER_TIMEOUT)
            assert response.status_code == 200
    finally:
        slow.close()


LIMITS = "at most 100 headers of 8190 bytes each"


@pytest.mark.parametrize(
    ("headers", "path", "status", "message"),
    [
        ({}, "/" + "a" * 5000, 414, "Request line is too long (limit 4094 bytes)."),
        (
            {"X-Big": "a" * 9000},
            "/health",
            431,
            f"Request headers are too large ({LIMITS}).",
        ),
        (
            {f"X-Header-{number}": "1" for number in range(120)},
            "/health",
            431,
            f"Request headers are too large ({LIMITS}).",
        ),
    ],
    ids=["long-url", "large-header", "too-many-headers"],
)
def test_oversized_requests_get_the_json_envelope(
    server, headers, path, status, message
):
    # Before: gunicorn's own HTML error page.
    response = requests.get(f"{server}{path}", headers=headers, timeout=ANSWER_TIMEOUT)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "failed",
        "message": message,
        "errors": [],
        "timestamp": ANY,
    }
    # The headers the API sends on every response.
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_malformed_request_gets_a_json_400(server):
    client = connect(server)
    with client:
        client.sendall(b"GET /health HTTP/1.1\r\nNo colon here\r\n\r\n")
        head, _, body = receive_all(client).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head.split(b"\r\n")
    assert json.loads(body) == {
        "status": "failed",
        "message": "Malformed HTTP request.",
        "errors": [],
        "timestamp": ANY,
    }


def test_a_silent_client_is_closed_after_the_header_timeout(impatient_server):
    client = connect(impatient_server)
    with client:
        client.sendall(b"GET /health HTTP/1.1\r\nX-Slow: a")
        # Closed without an answer within a few seconds (the timeout is 1 s).
        assert receive_all(client) == b""


def test_a_slow_body_gets_a_json_408(impatient_server):
    client = connect(impatient_server)
    with client:
        client.sendall(
            b"POST /login HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        head, _, body = receive_all(client).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ")
    assert json.loads(body) == {
        "status": "failed",
        "message": "Request Timeout.",
        "errors": [],
        "timestamp": ANY,
    }
