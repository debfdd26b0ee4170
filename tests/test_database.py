"""SQLite tuning, and what a client sees when the database stays locked."""

import fcntl
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import ANY

from sqlalchemy import func, select, text

from app import create_app
from extensions import db
from models import Item
from tests.helpers import AuthActions


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


def test_a_writer_queued_behind_a_long_write_gets_503_instead_of_hanging(
    sqlite_config, tmp_path
):
    # A long import holds the writers' queue (the flock on <database>.write-lock);
    # another user's write waits at most the busy timeout, then gets a 503.
    app = create_app(sqlite_config | {"SQLITE_BUSY_TIMEOUT_MS": 200})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    AuthActions(client).register_and_login("alice")

    long_write = os.open(tmp_path / "test.db.write-lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(long_write, fcntl.LOCK_EX)
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(
            client.post,
            "/inventory",
            json={"item_name": "x", "quantity": 1, "price": 1},
        )
        try:
            # A few seconds prove it does not hang; it gives up after 0.2 s.
            response = pending.result(timeout=5)
        finally:
            os.close(long_write)  # the long write ends (and a hung request too)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.get_json() == {
        "status": "failed",
        "message": "The database is busy or unavailable; please retry shortly.",
        "errors": [],
        "timestamp": ANY,
    }
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0

    # The queue is free again: the same write goes through.
    retry = client.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
    )
    assert retry.status_code == 201


def test_a_free_writers_queue_is_taken_at_once_and_given_back(sqlite_app, tmp_path):
    client = sqlite_app.test_client()
    AuthActions(client).register_and_login("alice")
    response = client.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
    )
    assert response.status_code == 201
    # Released after the commit: another process can take it without waiting.
    lock = os.open(tmp_path / "test.db.write-lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    finally:
        os.close(lock)
