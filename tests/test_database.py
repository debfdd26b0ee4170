"""SQLite tuning, and what a client sees when the database stays locked."""

import sqlite3

from sqlalchemy import func, select, text

from app import create_app
from extensions import db
from models import Item
from tests.conftest import AuthActions


def test_sqlite_connections_use_wal_busy_timeout_and_foreign_keys(sqlite_app):
    with sqlite_app.app_context():
        pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("busy_timeout") == 5000
        assert pragma("foreign_keys") == 1
        assert pragma("synchronous") == 2  # FULL: acknowledged commits survive a crash


def test_a_database_that_stays_locked_gets_503_with_retry_after(
    sqlite_config, tmp_path
):
    app = create_app(sqlite_config | {"SQLITE_BUSY_TIMEOUT_MS": 50})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    auth = AuthActions(client)
    auth.register("alice")
    auth.login("alice")

    blocker = sqlite3.connect(tmp_path / "test.db")
    blocker.execute("BEGIN IMMEDIATE")  # hold the write lock
    try:
        response = client.post(
            "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
        )
    finally:
        blocker.rollback()
        blocker.close()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    body = response.get_json()
    assert body["status"] == "failed"
    assert "locked" not in body["message"]  # no database text reaches the client
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0

    # Once the lock is gone, the same request succeeds.
    retry = client.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
    )
    assert retry.status_code == 201
