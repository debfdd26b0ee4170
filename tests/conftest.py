"""Shared fixtures: a fresh app and database per test, clients, and factories."""

import threading
import time
from collections.abc import Iterator

import cachelib.file
import pytest
from werkzeug.serving import make_server

from app import create_app
from extensions import db

PASSWORD = "password123"


@pytest.fixture
def app_config(tmp_path) -> dict:
    """Settings for a test app whose files all live in the test's tmp_path."""
    return {
        "APP_ENV": "testing",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
    }


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def clock(monkeypatch):
    """Move the wall clock forward: expire sessions and rate-limit windows."""

    class Clock:
        offset = 0.0

        def advance(self, seconds: float) -> None:
            self.offset += seconds

    fake = Clock()
    real_time = time.time

    def now() -> float:
        return real_time() + fake.offset

    # cachelib imported time() by name, so its copy is patched separately.
    monkeypatch.setattr(cachelib.file, "time", now)
    monkeypatch.setattr(time, "time", now)
    return fake


class AuthActions:
    """Register, log in and log out through the API, as a client would."""

    def __init__(self, client):
        self._client = client

    def register(self, username="alice", email=None, password=PASSWORD):
        email = email or f"{username}@example.com"
        return self._client.post(
            "/register",
            json={"username": username, "email": email, "password": password},
        )

    def login(self, username="alice", password=PASSWORD):
        return self._client.post(
            "/login", json={"username": username, "password": password}
        )

    def register_and_login(self, username="alice"):
        assert self.register(username).status_code == 201, "registration failed"
        response = self.login(username)
        assert response.status_code == 200
        return response

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def logged_in(auth, client):
    """A client logged in as "alice"."""
    auth.register_and_login("alice")
    return client


@pytest.fixture
def admin(app):
    """A client logged in as "boss", an admin created with the CLI."""
    result = app.test_cli_runner().invoke(
        args=["create-admin", "boss", "boss@example.com", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    client = app.test_client()
    assert AuthActions(client).login("boss").status_code == 200
    return client


@pytest.fixture
def other_client(app):
    """A second client, logged in as "bob", for isolation tests."""
    client = app.test_client()
    AuthActions(client).register_and_login("bob")
    return client


def item_payload(**overrides) -> dict:
    payload = {
        "item_name": "Laptop",
        "description": "Dell XPS",
        "quantity": 5,
        "price": 1200.00,
    }
    payload.update(overrides)
    return payload


@pytest.fixture
def make_item():
    """Create an item through the API for the given client and return it."""

    def make(client, **overrides) -> dict:
        response = client.post("/inventory", json=item_payload(**overrides))
        assert response.status_code == 201, response.get_json()
        return response.get_json()["item"]

    return make


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the app from a real multi-threaded HTTP server; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
