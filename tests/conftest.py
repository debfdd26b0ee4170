"""Fixtures: a fresh app and database per test, clients, and logged-in users.

Helpers and factories that tests import live in tests/helpers.py, which also
explains how to run the suite on PostgreSQL and Redis.
"""

import time
from collections.abc import Iterator

import cachelib.file
import pytest
import redis
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import create_app
from extensions import db
from plumbing.database import dispose_engines
from tests import helpers
from tests.helpers import (
    PASSWORD,
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    AuthActions,
    app_with_schema,
    empty_database,
    make_category,
    make_supplier,
    serve,
    sqlite_settings_for,
    worker_database_url,
)
from tests.team_helpers import add_member, create_team, sign_up


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
        dispose_engines()
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
        dispose_engines()
    return str(folder / "test.db")


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


@pytest.fixture
def make_item():
    """The make_item factory, for tests that take it as a fixture."""
    return helpers.make_item


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """Serve the app from a real multi-threaded HTTP server; yield its base URL."""
    with serve(app) as base_url:
        yield base_url


@pytest.fixture
def empty_database_url(tmp_path, database_url):
    """A brand-new, empty database of the kind under test."""
    if database_url is None:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    # One per xdist worker (database_url is the worker's own): the migration
    # tests are in several files, which may run at once.
    name = f"{make_url(database_url).database}_migrations"
    admin = create_engine(
        database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield (
        make_url(database_url).set(database=name).render_as_string(hide_password=False)
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def document(client):
    """The OpenAPI document the app serves."""
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


@pytest.fixture
def bob(app):
    """A second user, "bob", logged in on a client of his own."""
    return sign_up(app, "bob")


@pytest.fixture
def shop(logged_in, bob):
    """alice's new team "Corner shop", with bob as staff; alice's session is unchanged."""
    team = create_team(logged_in, "Corner shop")
    add_member(logged_in, team["id"], "bob", "staff")
    return team


@pytest.fixture
def stocked(logged_in, make_item):
    """alice's items, using a category and supplier and awkward text."""
    category = make_category(logged_in, "Tools")["id"]
    supplier = make_supplier(logged_in, "Acme, Inc.")["id"]
    make_item(
        logged_in,
        item_name='=HYPERLINK("x")',
        description='Line one\nline "two", with comma',
        sku="HAM-1",
        quantity=3,
        price=15.5,
        cost_price=9.99,
        reorder_level=5,
        category_id=category,
        supplier_id=supplier,
        metadata={
            "tags": ["Steel", "hand"],
            "specifications": {"weight_g": 450, "grip": "rubber"},
            "seo_title": "Hammer",
        },
    )
    make_item(
        logged_in,
        item_name="Café crème",
        description="-50% today",
        sku="CAFE",
        quantity=0,
        price=0,
    )
    make_item(logged_in, item_name="No SKU", quantity=7, price=1200, status="inactive")
    return logged_in
