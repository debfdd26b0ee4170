"""Server-side sessions: Flask-Session over a file store or Redis, made safe.

``SESSION_TYPE`` chooses the store: ``cachelib`` (files under the instance
folder, the zero-setup default) or ``redis`` (``SESSION_REDIS_URL``), which
several server processes or machines can share. Traps handled here (see
FIELD_NOTES):

* cachelib's default ``threshold=500`` silently deletes *live* sessions once
  there are more than 500; the file store uses no threshold and sweeps only
  expired files. Redis expires each session itself (a TTL per key).
* A request that was already running when the user logged out would write its
  copy of the session back at the end and undo the logout. We never write back
  a session whose stored copy disappeared while the request ran: Redis checks
  that atomically (``SET ... XX``); the file store checks and writes under a
  lock that deleting a session takes too, so a logout lands wholly before the
  check (nothing is written back) or wholly after the write (it deletes it).
* If the store is down, requests get a 503 in the JSON envelope instead of a
  hang or an HTML 500 (Redis calls time out after a second).
* Session files are readable by their owner only (0600, directory 0700).
"""

import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis
from cachelib.file import FileSystemCache
from flask import Flask, Request, Response, current_app, request, session
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface

from errors import APIError, error_body

try:
    import fcntl
except ImportError:  # Windows: SessionFileStore.lock() falls back to a thread lock
    fcntl = None

# What a session store raises when it cannot be reached or written.
STORE_ERRORS = (OSError, redis.RedisError)
STORE_DOWN_MESSAGE = "The session store is unavailable; please retry shortly."


class SafeSessionMixin:
    """Outage handling and revocation-safe saving for any Flask-Session store."""

    def open_session(self, app: Flask, request: Request):
        try:
            session = super().open_session(app, request)
        except STORE_ERRORS:
            app.logger.exception("Session store unavailable while loading a session")
            session = self.session_class(sid=None)
            session.store_unavailable = True
            return session
        # Remember whether this session came from the store, and under which id.
        cookie_sid = request.cookies.get(self.get_cookie_name(app))
        session.stored_sid = session.sid if session.sid == cookie_sid else None
        return session

    def save_session(self, app: Flask, session, response: Response) -> None:
        if getattr(session, "store_unavailable", False):
            return
        try:
            super().save_session(app, session, response)
        except STORE_ERRORS:
            app.logger.exception("Session store unavailable while saving a session")
            _become_unavailable_response(response)

    def is_available(self) -> bool:
        """Return whether the store answers (for /health)."""
        raise NotImplementedError


class SessionFileStore(FileSystemCache):
    """A file store that never evicts live sessions, only expired ones."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory, threshold=0, mode=0o600)
        os.chmod(directory, 0o700)
        self.directory = directory
        # Beside the folder, not in it: cachelib treats every file in the
        # folder as a session.
        self.lock_path = os.path.normpath(directory) + ".lock"
        self._thread_lock = threading.Lock()

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Hold the store's write lock, against every thread and process.

        One lock for all sessions: a session is written at login, logout and
        once per refresh interval, and each write takes microseconds, so
        queueing them costs nothing and leaves no lock files to clean up.
        """
        if fcntl is None:
            with self._thread_lock:
                yield
            return
        # flock() locks an open file, not a process: each holder opens its own,
        # so threads of one process exclude each other too.
        lock_file = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock_file)  # closing releases the lock

    def remove_expired(self) -> None:
        """Delete every session file whose lifetime has passed."""
        # cachelib does this itself only when over its threshold, which is off.
        self._remove_expired(time.time())


class FileSessionInterface(SafeSessionMixin, CacheLibSessionInterface):
    """Sessions as files in one directory (one machine, any number of processes)."""

    def __init__(self, app: Flask, store: SessionFileStore, prune_interval: float):
        super().__init__(
            app,
            client=store,
            key_prefix=app.config["SESSION_KEY_PREFIX"],
            permanent=app.config["SESSION_PERMANENT"],
        )
        self.prune_interval = prune_interval
        self.last_pruned = time.monotonic()

    def save_session(self, app: Flask, session, response: Response) -> None:
        super().save_session(app, session, response)
        self._prune_if_due()

    def is_available(self) -> bool:
        return os.access(self.cache.directory, os.W_OK)

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        # A session loaded from the store is written back only if its file is
        # still there: logout (or expiry) removed it after this request loaded
        # it, and writing it back would log the user in again. The check and
        # the write hold the lock that _delete_session takes, so no logout can
        # fall between them. A rotated session (login) has a new sid and is
        # simply written.
        with self.cache.lock():
            loaded = session.sid == getattr(session, "stored_sid", None)
            if loaded and not self.cache.has(store_id):
                return
            super()._upsert_session(session_lifetime, session, store_id)

    def _delete_session(self, store_id: str) -> None:
        with self.cache.lock():
            super()._delete_session(store_id)

    def _prune_if_due(self) -> None:
        now = time.monotonic()
        if now - self.last_pruned >= self.prune_interval:
            self.last_pruned = now
            self.cache.remove_expired()


class SafeRedisSessionInterface(SafeSessionMixin, RedisSessionInterface):
    """Sessions in Redis, shared by every process and machine."""

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        # A session loaded from the store is written back only if its key still
        # exists (SET ... XX): atomic, so a concurrent logout always wins.
        loaded = session.sid == getattr(session, "stored_sid", None)
        self.client.set(
            name=store_id,
            value=self.serializer.encode(session),
            ex=int(session_lifetime.total_seconds()),
            xx=loaded,
        )

    def is_available(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False


def refresh_sliding_expiry() -> None:
    """Push a logged-in session's expiry forward, at most once per interval.

    Saving the session restarts its lifetime (the store's TTL and the cookie's
    expiry). Doing that on every request would rewrite the store each time;
    once a minute keeps "30 minutes of inactivity" true to the minute.
    """
    if "user_id" not in session:
        return
    elapsed = time.time() - session.get("refreshed_at", 0)
    if elapsed >= current_app.config["SESSION_REFRESH_INTERVAL"]:
        mark_refreshed()


def mark_refreshed() -> None:
    """Record that the session's lifetime starts now (so it will be saved)."""
    session["refreshed_at"] = int(time.time())


def reject_when_store_is_down() -> None:
    """Answer 503 when the session could not be loaded (except for /health)."""
    if (
        getattr(session, "store_unavailable", False)
        and request.endpoint != "ops.health"
    ):
        raise APIError(503, STORE_DOWN_MESSAGE, headers={"Retry-After": "1"})


def _become_unavailable_response(response: Response) -> None:
    # The response was built but its session could not be stored: tell the
    # client the truth rather than hand it a cookie that points at nothing.
    response.status_code = 503
    response.set_data(json.dumps(error_body(STORE_DOWN_MESSAGE)))
    response.mimetype = "application/json"
    response.headers["Retry-After"] = "1"
    response.headers.remove("Set-Cookie")


def redis_client(url: str) -> redis.Redis:
    """Return a Redis client that fails fast instead of hanging when Redis is down."""
    return redis.Redis.from_url(
        url, socket_connect_timeout=1, socket_timeout=1, health_check_interval=30
    )


def init_sessions(app: Flask) -> None:
    """Install the server-side session interface chosen by SESSION_TYPE."""
    session_type = app.config["SESSION_TYPE"]
    if session_type in ("cachelib", "filesystem"):
        directory = app.config["SESSION_FILE_DIR"] or os.path.join(
            app.instance_path, "sessions"
        )
        app.session_interface = FileSessionInterface(
            app,
            SessionFileStore(directory),
            prune_interval=app.config["SESSION_PRUNE_INTERVAL"],
        )
    elif session_type == "redis":
        app.session_interface = SafeRedisSessionInterface(
            app,
            client=redis_client(app.config["SESSION_REDIS_URL"]),
            key_prefix=app.config["SESSION_KEY_PREFIX"],
            permanent=app.config["SESSION_PERMANENT"],
        )
    else:
        raise RuntimeError(
            f"SESSION_TYPE={session_type!r} is not supported: use cachelib or redis."
        )
    app.before_request(reject_when_store_is_down)
    app.before_request(refresh_sliding_expiry)


def session_store_available() -> bool:
    """Return whether the app's session store answers."""
    return current_app.session_interface.is_available()
