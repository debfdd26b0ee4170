"""Server-side sessions: Flask-Session over cachelib's file store, made safe.

Three traps in the stock setup are handled here (see FIELD_NOTES):

* cachelib's default ``threshold=500`` silently deletes *live* sessions once
  there are more than 500; we use no threshold and sweep only expired files.
* A request that was already running when the user logged out would write its
  copy of the session back at the end and undo the logout; we never write back
  a session whose stored copy disappeared while the request ran.
* Session files are readable by their owner only (0600, directory 0700).
"""

import os
import time

from cachelib.file import FileSystemCache
from flask import Flask, Request, Response
from flask_session.cachelib import CacheLibSessionInterface


class SessionFileStore(FileSystemCache):
    """A file store that never evicts live sessions, only expired ones."""

    def __init__(self, directory: str) -> None:
        super().__init__(directory, threshold=0, mode=0o600)
        os.chmod(directory, 0o700)

    def remove_expired(self) -> None:
        """Delete every session file whose lifetime has passed."""
        # cachelib does this itself only when over its threshold, which is off.
        self._remove_expired(time.time())


class FileSessionInterface(CacheLibSessionInterface):
    """Flask-Session's cachelib interface with revocation-safe saving."""

    def __init__(self, app: Flask, store: SessionFileStore, prune_interval: float):
        super().__init__(
            app,
            client=store,
            key_prefix=app.config.get("SESSION_KEY_PREFIX", "session:"),
            permanent=app.config["SESSION_PERMANENT"],
        )
        self.prune_interval = prune_interval
        self.last_pruned = time.monotonic()

    def open_session(self, app: Flask, request: Request):
        session = super().open_session(app, request)
        # Remember whether this session came from the store, and under which id.
        cookie_sid = request.cookies.get(self.get_cookie_name(app))
        session.stored_sid = session.sid if session.sid == cookie_sid else None
        return session

    def save_session(self, app: Flask, session, response: Response) -> None:
        if session and self._deleted_while_running(session):
            return
        super().save_session(app, session, response)
        self._prune_if_due()

    def _deleted_while_running(self, session) -> bool:
        # Logout (or expiry) removed the stored copy after this request loaded
        # it; writing it back would log the user in again. A rotated session
        # (login) has a new sid and is saved normally.
        same_sid = session.sid == getattr(session, "stored_sid", None)
        return same_sid and not self.cache.has(self._get_store_id(session.sid))

    def _prune_if_due(self) -> None:
        now = time.monotonic()
        if now - self.last_pruned >= self.prune_interval:
            self.last_pruned = now
            self.cache.remove_expired()


def init_sessions(app: Flask) -> None:
    """Install the server-side session interface chosen by SESSION_TYPE."""
    session_type = app.config["SESSION_TYPE"]
    if session_type not in ("cachelib", "filesystem"):
        raise RuntimeError(
            f"SESSION_TYPE={session_type!r} is not supported; use 'cachelib'."
        )
    directory = app.config["SESSION_FILE_DIR"] or os.path.join(
        app.instance_path, "sessions"
    )
    store = SessionFileStore(directory)
    app.session_interface = FileSessionInterface(
        app, store, prune_interval=app.config["SESSION_PRUNE_INTERVAL"]
    )
