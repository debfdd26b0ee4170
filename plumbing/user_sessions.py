"""Which sessions each user has open, so that a password change can end the others.

Kept beside the sessions, in the session store (a Redis set per user, or a
file per user in a folder next to the session files), never in the database:
a session id is a bearer token. No request pays for it: login adds its id,
and ending a session deletes it from the store as a logout does (so a request
still running cannot write it back: plumbing/sessions.py).
"""

import functools
import os

from flask import current_app

from errors import APIError
from plumbing.session_files import SessionFileStore
from plumbing.session_stores import (
    STORE_DOWN_MESSAGE,
    STORE_ERRORS,
    SafeRedisSessionInterface,
)

INDEX_PREFIX = "user-sessions:"


def _store_down_is_503(function):
    """Answer 503 (nothing changed yet: the caller commits after) if the store fails."""

    @functools.wraps(function)
    def wrapped(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except STORE_ERRORS:
            current_app.logger.error("Session store unavailable: open sessions")
            raise APIError(
                503, STORE_DOWN_MESSAGE, headers={"Retry-After": "1"}
            ) from None

    return wrapped


@_store_down_is_503
def remember_session(user_id: int, sid: str) -> None:
    """Add a just-started session to the user's open sessions (at login)."""
    interface = current_app.session_interface
    key = f"{INDEX_PREFIX}{user_id}"
    if isinstance(interface, SafeRedisSessionInterface):
        known = _redis_ids(interface, key)
        # Drop the ids whose sessions expired meanwhile: the set stays small.
        ended = [old for old in known if not interface.client.exists(_store_id(old))]
        pipeline = interface.client.pipeline()
        if ended:
            pipeline.srem(key, *ended)
        pipeline.sadd(key, sid)
        pipeline.execute()
        return
    index = _file_index()
    with index.lock():
        known = index.get(key) or []
        live = [old for old in known if interface.cache.has(_store_id(old))]
        index.set(key, [*live, sid], timeout=0)


@_store_down_is_503
def end_other_sessions(user_id: int, keep: tuple[str, ...]) -> int:
    """Delete every open session of the user but those in ``keep``; return how many.

    Only the ended ids leave the index (SREM, not a rewrite), so a login noted
    meanwhile stays in it, and so does a kept id the request may still restore.
    """
    interface = current_app.session_interface
    key = f"{INDEX_PREFIX}{user_id}"
    if isinstance(interface, SafeRedisSessionInterface):
        others = [sid for sid in _redis_ids(interface, key) if sid not in keep]
        pipeline = interface.client.pipeline()
        if others:
            pipeline.srem(key, *others)
        pipeline.sadd(key, *keep)
        pipeline.execute()
    else:
        index = _file_index()
        with index.lock():
            known = index.get(key) or []
            others = [sid for sid in known if sid not in keep]
            index.set(key, [*keep], timeout=0)
    for sid in others:
        interface._delete_session(_store_id(sid))
    return len(others)


def _store_id(sid: str) -> str:
    return current_app.session_interface._get_store_id(sid)


def _redis_ids(interface: SafeRedisSessionInterface, key: str) -> list[str]:
    return [member.decode() for member in interface.client.smembers(key)]


def _file_index() -> SessionFileStore:
    # A folder of its own: every file in the sessions folder counts as a session.
    index = current_app.extensions.get("session_index")
    if index is None:
        sessions = os.path.normpath(current_app.session_interface.cache.directory)
        index = SessionFileStore(sessions + "-index")
        current_app.extensions["session_index"] = index
    return index
