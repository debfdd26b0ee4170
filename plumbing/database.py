"""Database engine setup: SQLite tuned for a multi-threaded web server."""

import os
import re
import sqlite3
import threading
from concurrent import futures

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from flask import Flask
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from columns import UTCDateTime
from extensions import db, migrate


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate; tune SQLite connections as they open."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY, render_item=render_item)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Set the pragmas on each new connection; queue writers to a database file."""
    event.listen(engine, "connect", sqlite_pragmas(busy_timeout_ms))
    database_file = engine.url.database
    if fcntl is not None and database_file and database_file != ":memory:":
        queue_sqlite_writers(engine, database_file + ".write-lock", busy_timeout_ms)


def queue_sqlite_writers(engine: Engine, lock_path: str, timeout_ms: int) -> None:
    """Make writers to one SQLite file wait in a queue instead of polling.

    SQLite admits one writer at a time. A writer that finds the file locked
    sleeps and retries (1, 2, 5 ... 100 ms), so under several processes a
    write can wait far longer than the lock was actually held. Here each
    connection takes an exclusive flock() on a lock file before its first
    write statement and keeps it until the connection goes back to the pool,
    after COMMIT: the kernel wakes the next writer the moment it is free.
    Like SQLite's busy timeout, a writer waits at most ``timeout_ms`` for its
    turn; then the request fails with OperationalError, which the API answers
    with 503 and Retry-After (errors.py), so a long import never makes other
    requests hang. Reads never wait (WAL). Not on Windows, which keeps the busy
    timeout only.
    """

    @event.listens_for(engine, "before_cursor_execute")
    def wait_for_turn(connection, cursor, statement, parameters, context, executemany):
        if "write_lock" not in connection.info and WRITE.match(statement):
            lock = take_turn(lock_path, timeout_ms / 1000)
            if lock is None:
                raise OperationalError(
                    statement,
                    parameters,
                    sqlite3.OperationalError("database is locked (writers' queue)"),
                )
            connection.info["write_lock"] = lock

    @event.listens_for(engine, "checkin")
    @event.listens_for(engine, "close")
    def end_turn(dbapi_connection, record) -> None:
        lock = record.info.pop("write_lock", None)
        if lock is not None:
            os.close(lock)  # closing the file releases the lock


def take_turn(lock_path: str, timeout: float) -> int | None:
    """Return a file descriptor holding the writers' lock, or None after ``timeout``.

    flock() can wait forever or not at all, but not for a while. So when the
    lock is taken, a helper thread waits for it in the kernel's queue (woken
    the moment it is free), and this thread waits for the helper at most
    ``timeout`` seconds.
    """
    # Each turn opens its own file description, so threads of one process
    # queue as well as processes do.
    lock = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return lock  # the usual case: nobody else is writing
    except BlockingIOError:
        pass
    turn: futures.Future[int] = futures.Future()

    def wait_in_line() -> None:
        fcntl.flock(lock, fcntl.LOCK_EX)
        # The Future decides, under its own lock, who was first: the helper
        # getting the lock or the writer giving up.
        if turn.set_running_or_notify_cancel():
            turn.set_result(lock)
        else:
            os.close(lock)  # the writer gave up: pass the turn on at once

    threading.Thread(target=wait_in_line, daemon=True).start()
    try:
        return turn.result(timeout)
    except futures.TimeoutError:  # not the built-in one before Python 3.11
        if turn.cancel():
            return None
        return turn.result()  # the lock came just as the time ran out


WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
MIGRATIONS_DIRECTORY = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "migrations"
)


def render_item(type_: str, obj, autogen_context):
    """Write UTCDateTime into migrations as the column type it stores."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False  # everything else: Alembic's default rendering


def sqlite_pragmas(busy_timeout_ms: int):
    """Return a connect hook setting this project's pragmas on a sqlite3 connection."""

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
