"""Health, version, request ids, logs, and outages answered with 503 (never a hang)."""

import logging
import os
import platform
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest.mock import ANY

import pytest
import requests
from werkzeug.serving import make_server
from werkzeug.wsgi import FileWrapper

import routes.inventory
from app import create_app
from extensions import db
from tests.helpers import AuthActions
from tests.live_server import RESPONSE_KEY, ClosingRequestHandler
from version import __version__


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept_forever():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens here once closed


def test_health_reports_ok(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "checks": {"database": "ok", "session_store": "ok"},
        "timestamp": ANY,
    }
    assert response.headers.get("Set-Cookie") is None


def test_version_shows_the_api_version_and_nothing_about_the_runtime(client):
    response = client.get("/version")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "version": __version__,
        "timestamp": ANY,
    }
    assert platform.python_version() not in response.get_data(as_text=True)


def test_every_response_has_a_request_id(client, logged_in):
    ids = {
        client.get(path).headers["X-Request-ID"] for path in ("/health", "/nope", "/me")
    }
    assert len(ids) == 3 and all(len(rid) == 32 for rid in ids)


def test_a_sensible_request_id_is_adopted_and_a_bad_one_replaced(client):
    adopted = client.get("/health", headers={"X-Request-ID": "abc-123"})
    assert adopted.headers["X-Request-ID"] == "abc-123"
    for bad in ("has spaces; and <script>", "x" * 129):
        response = client.get("/health", headers={"X-Request-ID": bad})
        replaced = response.headers["X-Request-ID"]
        assert replaced != bad and len(replaced) == 32


def test_one_log_line_per_request(client, caplog):
    with caplog.at_level(logging.INFO, logger="inventory.requests"):
        client.get("/inventory?page=2", headers={"X-Request-ID": "trace-me"})
    (record,) = [r for r in caplog.records if r.name == "inventory.requests"]
    message = record.getMessage()
    assert "method=GET path=/inventory status=401 duration_ms=" in message
    assert record.request_id == "trace-me"


def test_python_app_py_logs_each_request_once(tmp_path):
    """`make run` serves with werkzeug, whose own access log would be a second line."""
    port = closed_port()
    server = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=Path(__file__).resolve().parent.parent,
        env=os.environ
        | {"APP_ENV": "testing", "INSTANCE_PATH": str(tmp_path), "PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "python app.py exited"
            try:
                requests.get(f"http://127.0.0.1:{port}/health", timeout=5)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "python app.py did not start"
                time.sleep(0.2)
        response = requests.get(
            f"http://127.0.0.1:{port}/nope", headers={"X-Request-ID": "once-only"}
        )
        assert response.status_code == 404
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    lines = [line for line in output.splitlines() if "/nope" in line]
    assert len(lines) == 1, output
    assert "request_id=once-only method=GET path=/nope status=404" in lines[0]
    assert f"Running on http://127.0.0.1:{port}" in output  # start-up still says where


def test_the_development_server_logs_a_request_and_its_error_once(app, caplog):
    from plumbing.observability import QuietRequestHandler

    @app.get("/test-boom")
    def boom():
        raise RuntimeError("internal detail 42")

    server = make_server(
        "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO):
            response = requests.get(
                f"http://127.0.0.1:{server.server_port}/test-boom",
                headers={"X-Request-ID": "boom-2"},
            )
    finally:
        server.shutdown()
        thread.join()
    assert response.status_code == 500
    assert response.json()["message"] == "Internal server error."
    records = [r for r in caplog.records if r.name != "urllib3.connectionpool"]
    # One access line and one traceback: nothing written twice.
    assert [(r.name, r.levelname) for r in records] == [
        (app.logger.name, "ERROR"),
        ("inventory.requests", "INFO"),
    ]
    assert all(record.request_id == "boom-2" for record in records)
    assert "path=/test-boom status=500" in records[1].getMessage()


def test_errors_are_logged_with_traceback_but_not_sent(
    app, logged_in, monkeypatch, caplog
):
    def explode(item):
        raise RuntimeError("internal detail 42")

    monkeypatch.setattr(routes.inventory, "item_to_dict", explode)
    with caplog.at_level(logging.ERROR):
        response = logged_in.post(
            "/inventory",
            json={"item_name": "x", "quantity": 1, "price": 1},
            headers={"X-Request-ID": "boom-1"},
        )
    assert response.status_code == 500
    assert "internal detail 42" not in response.get_data(as_text=True)
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.exc_info and "internal detail 42" in str(record.exc_info[1])
    assert record.request_id == "boom-1"


def database_down_app(sqlite_config, url: str):
    app = create_app(
        sqlite_config | {"SQLALCHEMY_DATABASE_URI": url, "DATABASE_CONNECT_TIMEOUT": 1}
    )
    return app


@pytest.mark.parametrize(
    "kind",
    ["sqlite-missing-directory", "postgres-refused", "postgres-silent"],
)
def test_a_database_outage_is_503_json_quickly(sqlite_config, silent_server, kind):
    url = {
        "sqlite-missing-directory": "sqlite:////nonexistent-dir/inventory.db",
        "postgres-refused": f"postgresql://u:p@127.0.0.1:{closed_port()}/x",
        "postgres-silent": f"postgresql://u:p@127.0.0.1:{silent_server}/x",
    }[kind]
    client = database_down_app(sqlite_config, url).test_client()
    started = time.monotonic()
    health = client.get("/health")
    register = client.post(
        "/register",
        json={"username": "alice", "email": "a@example.com", "password": "password123"},
    )
    assert time.monotonic() - started < 10  # bounded by the connect timeout, not a hang
    assert health.status_code == 503
    assert health.get_json()["checks"] == {
        "database": "unavailable",
        "session_store": "ok",
    }
    assert register.status_code == 503
    assert register.get_json()["status"] == "failed"
    assert register.headers["Retry-After"]


@pytest.mark.parametrize("kind", ["refused", "silent"])
def test_a_session_store_outage_is_503_json_quickly(sqlite_config, silent_server, kind):
    port = closed_port() if kind == "refused" else silent_server
    app = create_app(
        sqlite_config
        | {"SESSION_TYPE": "redis", "SESSION_REDIS_URL": f"redis://127.0.0.1:{port}/0"}
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    client.set_cookie("session", "some-session-id")
    started = time.monotonic()
    me = client.get("/me")
    health = client.get("/health")
    assert time.monotonic() - started < 10
    assert me.status_code == 503
    assert (
        me.get_json()["message"]
        == "The session store is unavailable; please retry shortly."
    )
    assert health.status_code == 503
    assert health.get_json()["checks"] == {
        "database": "ok",
        "session_store": "unavailable",
    }


def test_rate_limits_fall_back_to_memory_when_their_store_is_down(sqlite_config):
    app = create_app(
        sqlite_config
        | {
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{closed_port()}/0",
            "LOGIN_FAILURE_LIMIT": "2 per minute",
        }
    )
    with app.app_context():
        db.create_all()
    client = app.test_client()
    AuthActions(client).register("alice")
    statuses = [
        client.post(
            "/login", json={"username": "alice", "password": "wrongpassword1"}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [401, 401, 429]  # still protected, and no 500


def test_the_live_server_closes_a_response_whose_client_hung_up(tmp_path):
    # Werkzeug skips close() when the client drops the connection while the
    # request is drained; the test server's handler closes it instead, so no
    # open file outlives its request (see tests/live_server.py).
    sent = open(tmp_path / "sent.bin", "wb")  # noqa: SIM115 (the handler closes it)
    handler = ClosingRequestHandler.__new__(ClosingRequestHandler)
    environ = {RESPONSE_KEY: FileWrapper(sent)}

    handler.connection_dropped(ConnectionResetError(), environ)

    assert sent.closed
