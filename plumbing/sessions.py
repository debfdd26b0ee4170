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
  hang or an HTML 500 (Redis calls time out after a second), logged in one line.
* A change that was committed is answered as the success it is, even if the
  session's write-back (its sliding-expiry refresh) then fails: a client told
  to retry would make it twice. Only login, logout, a team switch and a
  password change, whose purpose is the session, fail when it cannot be
  stored; they store it before
  committing (``begin_session``, ``end_session``, ``change_session``), and a
  request that fails afterwards puts the store back as it found it. A login
  keeps the session it replaces until the new one is stored and the request
  has succeeded.
* A file store that cannot write (a full disk) raises instead of returning
  False, so no login hands out a cookie that points at nothing.
* Session files are readable by their owner only (0600, directory 0700).

Files: plumbing/session_files.py (the store), plumbing/session_stores.py (the
interfaces).
"""

import os
import time
from typing import Any

import redis
from flask import Flask, current_app, request, session
from flask_session.defaults import Defaults
from redis.backoff import NoBackoff
from redis.retry import Retry

from errors import APIError
from plumbing.session_files import SessionFileStore
from plumbing.session_stores import (
    STORE_DOWN_MESSAGE,
    FileSessionInterface,
    SafeRedisSessionInterface,
    loaded_from_store,
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


def begin_session(**values: Any) -> None:
    """Start a session holding ``values`` under a new id, and store it now.

    For login: call it before committing, so that a store that fails
    answers 503 with nothing committed.
    """
    before = _as_loaded()
    session.clear()
    session.update(values)
    mark_refreshed()
    # A new id, as Flask-Session's regenerate() gives, but the old session is
    # deleted only once the new one is stored and the request has succeeded
    # (regenerate() deletes it first: a store that then failed to write the
    # new one logged the user out of both).
    interface = current_app.session_interface
    session.sid = interface.new_sid()
    session.modified = True
    interface.store_now(current_app, session, before)


def end_session() -> None:
    """End the session and delete it from the store now (logout), before committing."""
    before = _as_loaded()
    session.clear()
    current_app.session_interface.store_now(current_app, session, before)


def change_session(**values: Any) -> None:
    """Change the session and store it now (a team switch): 503 if the store fails."""
    before = _as_loaded()
    session.update(values)
    current_app.session_interface.store_now(current_app, session, before)


def _as_loaded() -> tuple[str, dict] | None:
    return (session.sid, dict(session)) if loaded_from_store(session) else None


def reject_when_store_is_down() -> None:
    """Answer 503 when the session could not be loaded (except for /health)."""
    if (
        getattr(session, "store_unavailable", False)
        and request.endpoint != "ops.health"
    ):
        raise APIError(503, STORE_DOWN_MESSAGE, headers={"Retry-After": "1"})


def redis_client(url: str) -> redis.Redis:
    """Return a Redis client that fails fast instead of hanging when Redis is down."""
    # One reconnect for a connection that Redis dropped (a restart, a
    # failover), no retry after a timeout: redis-py's default of ten retries
    # with backoff held a request for over ten seconds while Redis was away.
    once_on_reconnect = Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))
    return redis.Redis.from_url(
        url,
        socket_connect_timeout=1,
        socket_timeout=1,
        health_check_interval=30,
        retry=once_on_reconnect,
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
