"""Rate limits hold when wrong passwords arrive at once, across threads and workers."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from werkzeug.serving import make_server

import routes.auth
from app import create_app
from extensions import db
from plumbing.database import dispose_engines
from tests.helpers import PASSWORD, TEST_REDIS_URL, AuthActions

PROJECT = Path(__file__).resolve().parent.parent
ATTEMPTS = 30


class PasswordCheckGate:
    """Hold every password check until ``parties`` have arrived (or a timeout).

    With the gate, all the attempts that get as far as checking a password are
    in flight at once, so a limit that counts too late is caught every time,
    not just when the scheduler happens to interleave the threads badly.
    """

    def __init__(self, parties: int, timeout: float) -> None:
        self.parties, self.timeout = parties, timeout
        self.arrived = 0
        self.condition = threading.Condition()

    def wait(self) -> None:
        with self.condition:
            self.arrived += 1
            self.condition.notify_all()
            self.condition.wait_for(
                lambda: self.arrived >= self.parties, timeout=self.timeout
            )


@pytest.fixture
def limited_server(app_config, monkeypatch):
    """A threaded live server with limits on; its password checks wait at a gate."""
    app = create_app(
        app_config | {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT": "100 per minute"}
    )
    with app.app_context():
        db.create_all()
    gate = PasswordCheckGate(ATTEMPTS, timeout=2)
    real_authenticate = routes.auth.authenticate

    def gated_authenticate(username, password):
        gate.wait()
        return real_authenticate(username, password)

    monkeypatch.setattr(routes.auth, "authenticate", gated_authenticate)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
    with app.app_context():
        dispose_engines()


def fire_wrong_logins(base_url: str, username: str) -> list[requests.Response]:
    """Send ATTEMPTS wrong passwords for ``username`` at once; return the answers."""
    start = threading.Barrier(ATTEMPTS)

    def attempt(_):
        start.wait(timeout=10)
        return requests.post(
            f"{base_url}/login",
            json={"username": username, "password": "wrongpassword1"},
            timeout=30,
        )

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def assert_failure_limit_held(responses: list[requests.Response]) -> None:
    statuses = sorted(response.status_code for response in responses)
    assert statuses.count(401) <= 5, statuses  # LOGIN_FAILURE_LIMIT
    assert statuses.count(429) == len(statuses) - statuses.count(401), statuses
    for response in responses:
        body = response.json()
        assert body["status"] == "failed"
        if response.status_code == 429:
            assert body["message"] == (
                "Too many failed logins for this username; try again later."
            )
            assert int(response.headers["Retry-After"]) > 0


def test_simultaneous_wrong_passwords_are_limited_like_sequential_ones(
    limited_server,
):
    assert AuthActions(requests, limited_server).register("alice").ok
    responses = fire_wrong_logins(limited_server, "Alice")
    assert_failure_limit_held(responses)
    assert [r.status_code for r in responses].count(401) == 5
    # The right password waits too, until the window has passed.
    right = requests.post(
        f"{limited_server}/login", json={"username": "alice", "password": PASSWORD}
    )
    assert right.status_code == 429


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server(app, app_config, tmp_path):
    """gunicorn with two workers (eight threads each) sharing Redis for limits."""
    port = free_port()
    environment = os.environ | {
        "APP_ENV": "testing",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SESSION_TYPE": "redis",
        "SESSION_REDIS_URL": TEST_REDIS_URL,
        "RATELIMIT_STORAGE_URI": TEST_REDIS_URL,
        "FLASK_RATELIMIT_ENABLED": "true",
        "FLASK_LOGIN_LIMIT": "100 per minute",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "8",
    }
    server = subprocess.Popen(
        # No control socket: its default path is shared by every gunicorn.
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--no-control-socket",
        ],
        cwd=PROJECT,
        env=environment,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert server.poll() is None, "gunicorn exited"
            try:
                if requests.get(f"{base_url}/health", timeout=5).ok:
                    break
            except requests.RequestException:
                pass  # not listening yet
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield base_url
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL (Redis)")
def test_the_failure_limit_holds_across_gunicorn_workers_sharing_redis(
    gunicorn_server,
):
    assert AuthActions(requests, gunicorn_server).register("alice").ok
    responses = fire_wrong_logins(gunicorn_server, "alice")
    assert_failure_limit_held(responses)
