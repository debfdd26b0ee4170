"""Database engine setup: SQLite tuned for a multi-threaded web server, a
database server reached in as few round trips as a request needs, and the one
connection each request reads on.
"""

import os
import re
import sqlite3
import threading
import time
from concurrent import futures

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError, OperationalError

from columns import UTCDateTime
from extensions import db, migrate


def init_database(app: Flask) -> None:
    """Bind SQLAlchemy and Flask-Migrate; tune the connections as they open."""
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIRECTORY, render_item=render_item)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine, int(app.config["SQLITE_BUSY_TIMEOUT_MS"]))
        # pysqlite begins no transaction for a SELECT: reads already run as
        # single statements, and setting AUTOCOMMIT would only add work.
        app.extensions["read_only_engine"] = engine
    else:
        # A read outside the session's transaction needs no BEGIN or ROLLBACK:
        # each statement is its own, one round trip instead of three. A pool
        # of its own whose connections stay in autocommit mode: switching the
        # session's connections back and forth cost more than a second pool.
        read_only_engine = create_engine(
            engine.url,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
            isolation_level="AUTOCOMMIT",
        )
        idle_seconds = app.config["DATABASE_PING_AFTER_IDLE_SECONDS"]
        for each in (engine, read_only_engine):
            ping_idle_connections(each, idle_seconds)
        app.extensions["read_only_engine"] = read_only_engine
    app.teardown_appcontext(close_read_only_connection)


def read_only_connection() -> Connection:
    """Return this request's connection for reads outside the session's transaction.

    Views that only read (one item, a list, a page of the dashboard) run their
    statements here rather than in ``db.session``: no transaction to begin and
    end, and one pooled connection for all of a request's reads, handed back
    when the request ends. Each statement sees what was committed when it
    started. Writes always go through ``db.session``, in its transaction.
    """
    if "read_only_connection" not in g:
        engine = current_app.extensions["read_only_engine"]
        g.read_only_connection = engine.connect()
    return g.read_only_connection


def close_read_only_connection(_error: BaseException | None = None) -> None:
    """Hand the request's read-only connection back to the pool, if it took one."""
    connection = g.pop("read_only_connection", None)
    if connection is not None:
        connection.close()


def dispose_engines() -> None:
    """Close the pooled connections of the current app's engines, both of them.

    For the end of an app's life (tests, scripts): the session's engine and,
    on a database server, the read-only one with its own pool.
    """
    db.engine.dispose()
    current_app.extensions["read_only_engine"].dispose()


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Check a pooled connection before use only if it has been idle a while.

    SQLAlchemy's ``pool_pre_ping`` sends an empty statement on every checkout:
    one more round trip per request, although a connection used a moment ago
    is almost always alive. A connection idle longer than ``idle_seconds``
    (the database may have restarted, or a firewall dropped it meanwhile) is
    pinged first and, if dead, replaced before the request sees it: raising
    DisconnectionError at checkout makes the pool discard it and connect anew.
    A connection that dies while busy fails its statement: the request gets a
    503 with Retry-After (errors.py), and SQLAlchemy, seeing a disconnect,
    replaces every connection of the pool opened before it.
    """

    @event.listens_for(engine, "checkin")
    def note_idle_since(_dbapi_connection, record) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("a pooled connection was dropped") from error


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
