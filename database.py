"""Database engine setup: SQLite tuned for a multi-threaded web server."""

import sqlite3

from flask import Flask
from sqlalchemy import event

from extensions import db


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy to the app and tune SQLite connections as they open."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))


def _sqlite_pragmas(busy_timeout_ms: int):
    def set_pragmas(dbapi_connection: sqlite3.Connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers proceed while one writer commits.
        cursor.execute("PRAGMA journal_mode=WAL")
        # Wait for the write lock instead of failing with "database is locked".
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        # SQLite ignores foreign keys unless asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # synchronous stays at SQLite's default FULL: NORMAL would be faster in WAL
        # mode, but a power cut could then lose commits we already acknowledged.
        cursor.close()

    return set_pragmas
