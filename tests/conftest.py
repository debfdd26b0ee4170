"""Shared fixtures: a fresh app and database per test, clients, and factories.

The suite runs on SQLite and file sessions by default. Set TEST_DATABASE_URL
(PostgreSQL) and TEST_REDIS_URL to run the same tests on those backends; the
database and Redis are wiped before every test, so point them at throwaway
servers only (``scripts/services.sh`` starts some).

The suite runs in parallel (pytest-xdist, ``make test``). Each worker process
gets a database of its own (``<name>_gw0``, ``<name>_gw1``, ...) and a Redis
database number of its own, so that one worker's wipe never empties another's.
"""

import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import cachelib.file
import pytest
import redis
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool
from werkzeug.serving import make_server

from app import create_app
from extensions import db
from plumbing.sessions import SafeRedisSessionInterface

PASSWORD = "password123"
# "gw0", "gw1", ... in a pytest-xdist worker; unset in a plain pytest run.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def worker_redis_url(url: str | None) -> str | None:
    """Give each xdist worker its own Redis database number (gwN uses N)."""
    if not url or not XDIST_WORKER:
        return url
    # Redis has 16 databases unless started with more (scripts/services.sh
    # starts it with enough for any worker count).
    number = XDIST_WORKER.removeprefix("gw")
    return urlsplit(url)._replace(path=f"/{number}").geturl()


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# This worker's own database on the Redis server under test.
TEST_REDIS_URL = worker_redis_url(os.environ.get("TEST_REDIS_URL"))


def worker_database_url(url: str) -> str:
    """Create (anew) this xdist worker's own database next to ``url``; return its URL."""
    if not XDIST_WORKER:
        return url
    base = make_url(url)
    name = f"{base.database}_{XDIST_WORKER}"
    # psycopg 3, as the app uses (a plain postgresql:// URL means psycopg2).
    driver = base.set(drivername="postgresql+psycopg")
    admin = create_engine(driver, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str | None]:
    """The shared test database's URL (None for SQLite), with the schema created."""
    if not TEST_DATABASE_URL:
        yield None
        return
    folder = tmp_path_factory.mktemp("schema")
    settings = sqlite_settings_for(folder)
    worker_url = worker_database_url(TEST_DATABASE_URL)
    app = create_app(settings | {"SQLALCHEMY_DATABASE_URI": worker_url})
    with app.app_context():
        db.drop_all()
        db.create_all()
        url = db.engine.url.render_as_string(hide_password=False)
        db.engine.dispose()
    yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """Build an empty SQLite database with the schema once; tests start from copies.

    Copying a file is several times cheaper than ``create_all()`` on a new file
    (each DDL statement is a commit waiting for the disk), and the suite
    creates a fresh database for nearly every test.
    """
    folder = tmp_path_factory.mktemp("template")
    app = create_app(sqlite_settings_for(folder))
    with app.app_context():
        db.create_all()
        # Closing the last connection folds the WAL file back into the main
        # file, so that one file is then the whole database.
        db.engine.dispose()
    return str(folder / "test.db")


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


def new_sqlite_file(uri: str) -> str | None:
    """Return the path of the SQLite file ``uri`` names, if it does not exist yet."""
    url = make_url(uri)
    path = url.database
    if url.get_backend_name() != "sqlite" or not path or path == ":memory:":
        return None
    return None if os.path.exists(path) else path


def app_with_schema(config: dict, sqlite_template: str | None = None) -> Iterator:
    """Create an app, make sure its tables exist, and dispose of it afterwards.

    A new SQLite database starts as a copy of ``sqlite_template`` if given.
    """
    path = new_sqlite_file(config["SQLALCHEMY_DATABASE_URI"])
    if sqlite_template and path:
        shutil.copyfile(sqlite_template, path)
    app = create_app(config)
    with app.app_context():
        db.create_all()  # a no-op on the copy, but keeps the promise
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def app(app_config, sqlite_template):
    yield from app_with_schema(app_config, sqlite_template)


@pytest.fixture
def sqlite_app(sqlite_config, sqlite_template):
    """An app on SQLite and file sessions, whatever backends the suite runs on."""
    yield from app_with_schema(sqlite_config, sqlite_template)


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


@contextmanager
def serve(app) -> Iterator[str]:
    """Serve ``app`` from a real multi-threaded HTTP server; yield its base URL."""
    # Port 0: the kernel picks a free port, so parallel runs never collide.
    server = make_server("127.0.0.1", 0, app, threaded=True)
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


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the app from a real multi-threaded HTTP server; yield its base URL."""
    with serve(app) as base_url:
        yield base_url
