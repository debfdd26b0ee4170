"""Idempotency-Key: a retried POST returns the first response and writes nothing.

A client that lost the answer to ``POST /inventory`` cannot know whether the
item was created. Sending the same ``Idempotency-Key`` header again makes the
retry safe: within 24 hours, the same user's same key returns the stored
status and body of the first success. The key is stored in the same
transaction as the write it describes, under a unique index, so two requests
racing with one key produce one write: the loser's transaction fails and it
replays the winner's response. Failed requests are not stored; retrying them
runs them again.
"""

import functools
import hashlib
import re
from datetime import timedelta
from typing import Any

from flask import g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from columns import utcnow
from errors import APIError
from extensions import db
from models import IdempotencyKey
from plumbing.envelope import utc_timestamp

KEY_LIFETIME = timedelta(hours=24)
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as in HTTP tokens


def idempotent(view):
    """Honour an Idempotency-Key header on this (logged-in) view."""

    @functools.wraps(view)
    def wrapped_view(**kwargs):
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(**kwargs)
        if not KEY_PATTERN.fullmatch(key):
            raise APIError(
                400, "Idempotency-Key must be 1-255 visible ASCII characters."
            )
        fingerprint = _fingerprint()
        stored = _stored_response(key)
        if stored is not None:
            return _replay(stored, fingerprint)
        g.idempotency = (key, fingerprint)
        try:
            return view(**kwargs)
        except IntegrityError:
            # Perhaps a concurrent request with this key committed first.
            db.session.rollback()
            stored = _stored_response(key)
            if stored is None:
                raise
            return _replay(stored, fingerprint)

    return wrapped_view


def remember_response(
    body: dict[str, Any], status_code: int, headers: dict[str, str] | None = None
) -> None:
    """Store this response under the request's key, if any; call before commit.

    With a key, ``body`` gets its ``timestamp`` here, so the replay matches it.
    """
    pending = g.get("idempotency")
    if pending is None:
        return
    # Stamp the body now, so that a replay is the first response to the letter,
    # its timestamp (when the write happened) included.
    body["timestamp"] = utc_timestamp()
    key, fingerprint = pending
    db.session.add(
        IdempotencyKey(
            team_id=g.team_id,
            user_id=g.user_id,
            key=key,
            fingerprint=fingerprint,
            status_code=status_code,
            body=body,
            headers=headers or {},
        )
    )


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.get_data()):
        digest.update(part + b"\0")
    return digest.hexdigest()


def _stored_response(key: str) -> IdempotencyKey | None:
    stmt = select(IdempotencyKey).where(
        IdempotencyKey.team_id == g.team_id,
        IdempotencyKey.user_id == g.user_id,
        IdempotencyKey.key == key,
    )
    stored = db.session.scalar(stmt)
    if stored is not None and stored.created_at < utcnow() - KEY_LIFETIME:
        # Expired: forget it in this transaction, so the key can be used afresh.
        db.session.delete(stored)
        db.session.flush()
        return None
    return stored


def _replay(stored: IdempotencyKey, fingerprint: str):
    if stored.fingerprint != fingerprint:
        raise APIError(
            422,
            "This Idempotency-Key was already used for a different request; "
            "use a new key for a new request.",
        )
    response = jsonify(stored.body)
    response.status_code = stored.status_code
    response.headers.update(stored.headers)
    response.headers["Idempotent-Replayed"] = "true"
    return response
