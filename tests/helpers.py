"""What tests import: settings for test apps, the auth helper, data factories.

Fixtures live in conftest.py and build on these; tests import from here, never
from conftest (pytest's advice: a conftest is loaded by pytest, not imported).

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
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

import requests
from flask import Flask
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.pool import NullPool

from app import create_app, register_blueprints
from extensions import db
from models import History, Item, StockMovement
from plumbing.database import dispose_engines
from plumbing.operations import documented_operations
from plumbing.sessions import SafeRedisSessionInterface
from tests.live_server import serve  # noqa: F401 (tests import it from here)

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


def sqlite_settings_for(folder) -> dict:
    """Settings for an app on SQLite and file sessions inside ``folder``."""
    return {
        "APP_ENV": "testing",
        "INSTANCE_PATH": f"{folder}/instance",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/test.db",
        "SESSION_TYPE": "cachelib",
        "RATELIMIT_STORAGE_URI": "memory://",
    }


def empty_database(url: str) -> None:
    """Delete every row from the PostgreSQL database at ``url``, restarting ids."""
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
        dispose_engines()


class AuthActions:
    """Register, log in and log out through the API, as a client would.

    ``client`` is a Flask test client, or a ``requests.Session`` together with
    a live server's ``base_url``: both post JSON the same way.
    """

    def __init__(self, client, base_url: str = ""):
        self._client = client
        self._base_url = base_url

    def register(self, username="alice", email=None, password=PASSWORD):
        email = email or f"{username}@example.com"
        return self._client.post(
            self._base_url + "/register",
            json={"username": username, "email": email, "password": password},
        )

    def login(self, username="alice", password=PASSWORD):
        return self._client.post(
            self._base_url + "/login",
            json={"username": username, "password": password},
        )

    def register_and_login(self, username="alice"):
        assert self.register(username).status_code == 201, "registration failed"
        response = self.login(username)
        assert response.status_code == 200
        return response

    def logout(self):
        return self._client.post(self._base_url + "/logout")


def live_login(
    base_url: str, username: str = "alice", register: bool = True
) -> requests.Session:
    """Return a ``requests.Session`` logged in to the live server at ``base_url``."""
    session = requests.Session()
    auth = AuthActions(session, base_url)
    if register:
        auth.register_and_login(username)
    else:
        assert auth.login(username).status_code == 200
    return session


def item_payload(**overrides) -> dict:
    """Return a valid new-item body, with ``overrides`` applied."""
    payload = {
        "item_name": "Laptop",
        "description": "Dell XPS",
        "quantity": 5,
        "price": 1200.00,
    }
    payload.update(overrides)
    return payload


def make_item(client, **overrides) -> dict:
    """Create an item through the API for ``client`` and return it."""
    response = client.post("/inventory", json=item_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["item"]


def make_category(client, name: str = "Tools", **fields) -> dict:
    """Create a category in ``client``'s current team (they are its admin)."""
    response = client.post("/categories", json={"name": name, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["category"]


def make_supplier(client, name: str = "Acme", **fields) -> dict:
    """Create a supplier in ``client``'s current team (they are its admin)."""
    response = client.post("/suppliers", json={"name": name, **fields})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["supplier"]


def documented_routes() -> dict:
    """Return every documented operation, {(method, endpoint): Operation}.

    Read from an app with every blueprint and nothing else (no config needed).
    """
    app = Flask(__name__)
    register_blueprints(app)
    return documented_operations(app)


def assert_utc_timestamp(body: dict) -> datetime:
    """Check the envelope's timestamp is ISO 8601 UTC, about now; return it."""
    stamp = datetime.fromisoformat(body["timestamp"])
    assert stamp.utcoffset() == timedelta(0), body["timestamp"]
    assert body["timestamp"].endswith("+00:00")
    assert abs(datetime.now(timezone.utc) - stamp) < timedelta(minutes=1)
    return stamp


def count(app, model) -> int:
    """Return how many rows of ``model`` the app's database holds."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# The CSV export's header: every column, in the order the export writes them.
HEADER = (
    "sku,item_name,description,quantity,price,cost_price,reorder_level,status,"
    "expiry_date,category,supplier,metadata"
)


def export(client, query="") -> str:
    """Export ``client``'s items as CSV (``query`` filters and sorts); return it."""
    response = client.get(f"/inventory/export.csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def import_csv(client, text: str, query: str = ""):
    """Post ``text`` to the CSV import as ``client``; return the response."""
    return client.post(
        f"/inventory/import{query}", data=text.encode(), content_type="text/csv"
    )


def counts(app) -> tuple[int, int, int]:
    """Return how many items, history rows and stock movements the database holds."""
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Item, History, StockMovement)
        )


# The last revision before teams own the inventory.
BEFORE_TEAMS = "7e3a9c5d2b14"


def app_at(tmp_path, database_url: str, revision: str):
    """An app, and its CLI runner, whose database the migrations brought to
    ``revision``: a database of that schema, for a later migration to meet."""
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": database_url}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", revision]).exit_code == 0
    return app, runner


def insert_rows(app, statements: list[str]) -> None:
    """Run the SQL ``statements`` on the app's database in one transaction."""
    with app.app_context(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
