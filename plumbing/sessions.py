"""Server-side sessions: Flask-Session over a file store or Redis, made safe.

``SESSION_TYPE`` chooses the store, handed over in Flask-Session's own
settings: ``cachelib`` with ``SESSION_CACHELIB`` (files under the instance
folder, the zero-setup default) or ``redis`` with ``SESSION_REDIS`` (a client
for ``SESSION_REDIS_URL``), which several server processes or machines can
share. ``Session(app)`` would install Flask-Session's stock interfaces; we
install subclasses of the same interfaces, built from the same settings, that
handle these traps:

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
from typing import Any

import redis
from cachelib.file import FileSystemCache
from flask import Flask, Request, Response, current_app, request, session
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.defaults import Defaults
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
    """Outage handling for any Flask-Session store, through Flask's public hooks."""

    def open_session(self, app: Flask, request: Request):
        try:
            return super().open_session(app, request)
        except STORE_ERRORS:
            app.logger.exception("Session store unavailable while loading a session")
            session = self.session_class(sid=None)
            session.store_unavailable = True
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


def loaded_from_store(session) -> bool:
    """Return whether ``session`` is the stored one this request's cookie named."""
    # A cookie the store no longer knows gets a new id in open_session(), and
    # login gets one from regenerate(): only a loaded session keeps the cookie's.
    cookie_name = current_app.config["SESSION_COOKIE_NAME"]
    return session.sid == request.cookies.get(cookie_name)


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

    def delete(self, key: str, mgmt_element: bool = False) -> bool:
        """Delete a session, never between a write-back's check and its write."""
        with self.lock():
            return super().delete(key, mgmt_element)

    def remove_expired(self) -> None:
        """Delete every session file whose lifetime has passed."""
        # cachelib sweeps only when over its threshold, which is off, and keeps
        # the sweep private: calling it buys "expired files do not pile up",
        # pinned by test_sessions.py::test_expired_session_files_are_swept.
        self._remove_expired(time.time())


class FileSessionInterface(SafeSessionMixin, CacheLibSessionInterface):
    """Sessions as files in one directory (one machine, any number of processes)."""

    def __init__(self, app: Flask, **settings: Any) -> None:
        super().__init__(app, **settings)
        self.prune_interval = app.config["SESSION_PRUNE_INTERVAL"]
        self.last_pruned = time.monotonic()

    def save_session(self, app: Flask, session, response: Response) -> None:
        super().save_session(app, session, response)
        self.prune_if_due()

    def is_available(self) -> bool:
        return os.access(self.cache.directory, os.W_OK)

    def prune_if_due(self) -> None:
        """Sweep expired session files if SESSION_PRUNE_INTERVAL has passed."""
        now = time.monotonic()
        if now - self.last_pruned >= self.prune_interval:
            self.last_pruned = now
            self.cache.remove_expired()

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        # Private override; it buys "a logout while this request ran stays a
        # logout": a loaded session is written back only if its file is still
        # there, checked under the lock delete() takes. Pinned by test_sessions.py
        # ::test_a_write_back_cannot_slip_between_its_check_and_a_logout.
        with self.cache.lock():
            if loaded_from_store(session) and not self.cache.has(store_id):
                return
            super()._upsert_session(session_lifetime, session, store_id)


class SafeRedisSessionInterface(SafeSessionMixin, RedisSessionInterface):
    """Sessions in Redis, shared by every process and machine."""

    def is_available(self) -> bool:
        try:
            return bool(self.client.ping())
        except redis.RedisError:
            return False

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        # Private override; it buys "a logout while this request ran stays a
        # logout": SET ... XX writes a loaded session back only if its key still
        # exists, atomically. Pinned by test_sessions.py
        # ::test_logout_amid_a_burst_of_requests_always_ends_the_session.
        self.client.set(
            name=store_id,
            value=self.serializer.encode(session),
            ex=int(session_lifetime.total_seconds()),
            xx=loaded_from_store(session),
        )


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


def interface_settings(app: Flask) -> dict[str, Any]:
    """Return the settings ``Session(app)`` reads for every Flask-Session store."""
    config = app.config
    return {
        "key_prefix": config["SESSION_KEY_PREFIX"],
        "permanent": config["SESSION_PERMANENT"],
        "sid_length": config.get("SESSION_ID_LENGTH", Defaults.SESSION_ID_LENGTH),
        "serialization_format": config.get(
            "SESSION_SERIALIZATION_FORMAT", Defaults.SESSION_SERIALIZATION_FORMAT
        ),
    }


def init_sessions(app: Flask) -> None:
    """Install the server-side session interface chosen by SESSION_TYPE."""
    session_type = app.config["SESSION_TYPE"]
    if session_type in ("cachelib", "filesystem"):
        directory = app.config["SESSION_FILE_DIR"] or os.path.join(
            app.instance_path, "sessions"
        )
        # Always ours: the interface relies on the store's lock and sweep.
        app.config["SESSION_CACHELIB"] = SessionFileStore(directory)
        app.session_interface = FileSessionInterface(
            app, client=app.config["SESSION_CACHELIB"], **interface_settings(app)
        )
    elif session_type == "redis":
        if app.config.get("SESSION_REDIS") is None:
            app.config["SESSION_REDIS"] = redis_client(app.config["SESSION_REDIS_URL"])
        app.session_interface = SafeRedisSessionInterface(
            app, client=app.config["SESSION_REDIS"], **interface_settings(app)
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
