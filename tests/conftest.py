"""Shared fixtures: a fresh app and database per test, clients, and factories.

The suite runs on SQLite and file sessions by default. Set TEST_DATABASE_URL
(PostgreSQL) and TEST_REDIS_URL to run the same tests on those backends; the
database and Redis are wiped before every test, so point them at throwaway
servers only (``scripts/services.sh`` starts some).
"""

import os
import threading
import time
from collections.abc import Iterator

import cachelib.file
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from app import create_app
from extensions import db
from sessions import SafeRedisSessionInterface

PASSWORD = "password123"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str | None]:
    """The shared test database's URL (None for SQLite), with the schema created."""
    if not TEST_DATABASE_URL:
        yield None
        return
    folder = tmp_path_factory.mktemp("schema")
    settings = sqlite_settings_for(folder)
    app = create_app(settings | {"SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL})
    with app.app_context():
        db.drop_all()
        db.create_all()
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    yield url


def sqlite_settings_for(folder) -> dict:
    """Settings for an app on SQLite and file sessions inside ``folder``."""
    return {
        "APP_ENV": "testing",
        "INSTANCE_PATH": f"{folder}/instance",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/test.db",
        "SESSION_TYPE": "cachelib",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


@pytest.fixture
def sqlite_config(tmp_path) -> dict:
    """Settings for tests about SQLite or the file store themselves."""
    return sqlite_settings_for(tmp_path)


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """Settings for a test app on the backends under test, wiped clean."""
    config = sqlite_settings_for(tmp_path)
    if database_url:
        empty_database(database_url)
        # A fresh connection each time: tests create many apps, and pooled
        # connections they leave behind would exhaust the server.
        config["SQLALCHEMY_DATABASE_URI"] = database_url
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": NullPool}
    if TEST_REDIS_URL:
        redis.Redis.from_url(TEST_REDIS_URL).flushdb()
        config["SESSION_TYPE"] = "redis"
        config["SESSION_REDIS_URL"] = TEST_REDIS_URL
        config["RATELIMIT_STORAGE_URI"] = TEST_REDIS_URL
    return config


def empty_database(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    with engine.begin() as connection:
        tables = ", ".join(table.name for table in db.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


def stored_session_count(app) -> int:
    """How many sessions the app's store holds, whichever store it is."""
    interface = app.session_interface
    if isinstance(interface, SafeRedisSessionInterface):
        return sum(1 for _ in interface.client.scan_iter(f"{interface.key_prefix}*"))
    directory = interface.cache._path
    return sum(1 for name in os.listdir(directory) if not name.endswith(".__wz_cache"))


def app_with_schema(config: dict) -> Iterator:
    """Create an app, make sure its tables exist, and dispose of it afterwards."""
    app = create_app(config)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(app_config):
    yield from app_with_schema(app_config)


@pytest.fixture
def sqlite_app(sqlite_config):
    """An app on SQLite and file sessions, whatever backends the suite runs on."""
    yield from app_with_schema(sqlite_config)


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
