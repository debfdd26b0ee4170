"""Database engine setup: SQLite tuned for a multi-threaded web server."""

import os
import sqlite3

from flask import Flask
from sqlalchemy import event

import models
from extensions import db, migrate


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate; tune SQLite connections as they open."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY, render_item=render_item)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        busy_timeout_ms = int(app.config["SQLITE_BUSY_TIMEOUT_MS"])
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))


MIGRATIONS_DIRECTORY = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "migrations"
)


def render_item(type_: str, obj, autogen_context):
    """Write UTCDateTime into migrations as the column type it stores."""
    if type_ == "type" and isinstance(obj, models.UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False  # everything else: Alembic's default rendering


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
