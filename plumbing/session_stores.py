"""The session interfaces: Flask-Session's file and Redis stores, made safe.

What each guards against is told in plumbing/sessions.py, which installs them.
"""

import json
import time
from typing import Any

import redis
from flask import Flask, Request, Response, current_app, request
from flask_session.cachelib import CacheLibSessionInterface
from flask_session.redis import RedisSessionInterface

from errors import APIError, disk_is_full, error_body, one_line

# What a session store raises when it cannot be reached or written.
STORE_ERRORS = (OSError, redis.RedisError)
STORE_DOWN_MESSAGE = "The session store is unavailable; please retry shortly."
STORE_FULL_MESSAGE = (
    "Your session could not be stored: the server's disk is full. Nothing was "
    "changed; ask whoever runs the server to free some space."
)


class SafeSessionMixin:
    """Outage handling for any Flask-Session store, through Flask's public hooks."""

    def open_session(self, app: Flask, request: Request):
        try:
            return super().open_session(app, request)
        except STORE_ERRORS as error:
            log_store_failure("loading a session", error)
            session = self.session_class(sid=None)
            session.store_unavailable = True
            return session

    def save_session(self, app: Flask, session, response: Response) -> None:
        if getattr(session, "store_unavailable", False):
            return
        if hasattr(session, "stored_early"):
            self._finish_early_write(session, response)
            return
        try:
            super().save_session(app, session, response)
        except STORE_ERRORS as error:
            log_store_failure("saving a session", error)
            # A stored session only missed its refresh (or an incidental
            # change): what the request did stands, and so must its answer,
            # or a client retrying would do it twice. A session never stored
            # would leave the client a cookie that points at nothing.
            if not loaded_from_store(session):
                _become_unavailable_response(response, error)

    def store_now(self, app: Flask, session, before: tuple | None) -> None:
        """Write ``session`` to the store during the view: 503 if that fails.

        ``before`` is the (id, data) the request loaded, put back if the
        request fails after this (its commit, say), so it changes nothing.
        """
        scratch = Response()  # collects the cookie for the real response
        try:
            super().save_session(app, session, scratch)
        except STORE_ERRORS as error:
            raise request_failure(session, "storing a session", error) from None
        session.stored_early = (scratch.headers.getlist("Set-Cookie"), before)

    def _finish_early_write(self, session, response: Response) -> None:
        cookies, before = session.stored_early
        if response.status_code < 400:
            for cookie in cookies:
                response.headers.add("Set-Cookie", cookie)
            response.vary.add("Cookie")
            if before is not None and before[0] != session.sid:
                self._end_replaced_session(before[0])
            return
        try:
            self._delete_session(self._get_store_id(session.sid))
            if before is not None:
                sid, data = before
                # The library's plain write: the XX / still-there checks of
                # our _upsert_session() would refuse to recreate it.
                super()._upsert_session(
                    current_app.permanent_session_lifetime,
                    self.session_class(data, sid=sid),
                    self._get_store_id(sid),
                )
        except STORE_ERRORS as error:
            log_store_failure("undoing a session write", error)

    def new_sid(self) -> str:
        """Return a fresh session id, as regenerate() would make."""
        return self._generate_sid(self.sid_length)

    def _end_replaced_session(self, sid: str) -> None:
        """Delete the session a login replaced (no fixation), once the login stood."""
        try:
            self._delete_session(self._get_store_id(sid))
        except STORE_ERRORS as error:
            log_store_failure("ending the session a login replaced", error)

    def is_available(self) -> bool:
        """Return whether the store answers (for /health)."""
        raise NotImplementedError


def log_store_failure(doing: str, error: Exception) -> None:
    """Log a session store failure in one line: an outage, not a bug to trace."""
    current_app.logger.warning(
        "Session store unavailable while %s: %s", doing, one_line(error)
    )


def request_failure(session, doing: str, error: Exception) -> APIError:
    """Log a failed session write of a view, and return the 503 to raise."""
    log_store_failure(doing, error)
    session.store_unavailable = True  # nor retried at the end of the request
    return store_failure(error)


def store_failure(error: Exception) -> APIError:
    """Return the 503 for a session that could not be stored, naming a full disk."""
    if disk_is_full(error):
        return APIError(503, STORE_FULL_MESSAGE)
    return APIError(503, STORE_DOWN_MESSAGE, headers={"Retry-After": "1"})


def loaded_from_store(session) -> bool:
    """Return whether ``session`` is the stored one this request's cookie named."""
    # A cookie the store no longer knows gets a new id in open_session(), and
    # login gets one from regenerate(): only a loaded session keeps the cookie's.
    cookie_name = current_app.config["SESSION_COOKIE_NAME"]
    return session.sid == request.cookies.get(cookie_name)


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
        # A full disk still looks writable to os.access(): write, as a login would.
        try:
            self.cache.check_writable()
            return True
        except OSError as error:
            log_store_failure("checking health", error)
            return False

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


def _become_unavailable_response(response: Response, error: Exception) -> None:
    # The response was built but its session could not be stored: tell the
    # client the truth rather than hand it a cookie that points at nothing.
    failure = store_failure(error)
    response.status_code = failure.status_code
    response.set_data(json.dumps(error_body(failure.message)))
    response.mimetype = "application/json"
    response.headers.remove("Retry-After")
    response.headers.extend(failure.headers)
    response.headers.remove("Set-Cookie")
