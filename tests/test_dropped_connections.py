"""Pooled connections: pinged only after idling a while; one the server dropped is replaced."""

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

from app import create_app
from extensions import db
from plumbing.database import dispose_engines
from tests.helpers import TEST_DATABASE_URL, AuthActions, make_item

needs_postgresql = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"
)


@pytest.fixture
def pooled_app(app_config):
    """An app on PostgreSQL with real connection pools (the suite uses none)."""

    def make(idle_seconds: float):
        config = app_config | {
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "DATABASE_PING_AFTER_IDLE_SECONDS": idle_seconds,
        }
        made = create_app(config)
        with made.app_context():
            db.create_all()
        apps.append(made)
        return made

    apps = []
    yield make
    for made in apps:
        with made.app_context():
            dispose_engines()


def drop_every_connection_of(app) -> int:
    """Have PostgreSQL end every connection to the app's database; return how many."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    outsider = create_engine(url, poolclass=NullPool)  # not one of the app's pools
    with outsider.connect() as connection:
        ended = connection.execute(
            text(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))"
                " FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar()
    outsider.dispose()
    return ended


def item_after_dropped_connections(app):
    """Log in, create and read an item, then have PostgreSQL drop the app's
    connections; return the client and the item."""
    client = app.test_client()
    AuthActions(client).register_and_login()
    item = make_item(client)
    assert client.get(f"/inventory/{item['id']}").status_code == 200
    # Both pools (the session's, the read-only one) hold a connection now.
    assert drop_every_connection_of(app) == 2
    return client, item


@needs_postgresql
def test_an_idle_connection_the_server_dropped_is_replaced_unseen(pooled_app):
    # Every pooled connection counts as idle.
    client, item = item_after_dropped_connections(pooled_app(idle_seconds=0))
    # The pooled connections are dead; each is pinged, found dead and replaced.
    response = client.get(f"/inventory/{item['id']}")
    assert response.status_code == 200
    assert (
        client.put(f"/inventory/{item['id']}", json={"quantity": 3}).status_code == 200
    )


@needs_postgresql
def test_a_busy_connection_the_server_dropped_costs_one_503_then_recovers(pooled_app):
    # Used a moment ago, so not pinged: the statement fails, the client is
    # told to retry, and SQLAlchemy replaces the pool's older connections.
    client, item = item_after_dropped_connections(pooled_app(idle_seconds=3600))
    failed = client.get(f"/inventory/{item['id']}")
    assert failed.status_code == 503
    assert failed.headers["Retry-After"] == "1"
    assert failed.get_json()["status"] == "failed"
    assert client.get(f"/inventory/{item['id']}").status_code == 200
