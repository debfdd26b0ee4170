"""The failed-login limit per username: a slot taken before each password check."""

import math
import time

import redis
from flask import current_app
from limits import RateLimitItem, parse_many

from errors import APIError
from extensions import limiter

# Failed logins per username (LOGIN_FAILURE_LIMIT), from any address.
#
# Every attempt takes a slot *before* its password is checked, in one atomic
# test-and-hit (the `limits` strategy's hit(), which refuses once the window is
# full; on Redis it is a single server-side script, so the count holds across
# gunicorn workers). Counting only after a 401, as Flask-Limiter's deduct_when
# does, let thirty attempts sent at once all be checked before the first was
# counted.
#
# A successful login then frees the username's slots, so the owner who finally
# types the right password is not locked out by their own typos, and logging in
# often is never limited. Only the right password frees them, so an attacker
# cannot; and while they are full even the right password waits (429) without
# being checked.
FAILED_LOGINS = "failed-logins"


def count_login_attempt(username: str) -> None:
    """Take a slot in the username's failed-login limit, or raise 429 if it is full."""
    if not limiter.enabled:
        return
    strategy, key = limiter.limiter, _username_key(username)
    for limit in _login_failure_limits():
        try:
            allowed = strategy.hit(limit, FAILED_LOGINS, key)
        except redis.RedisError:
            # Fail closed: without its counter this attempt cannot be allowed.
            current_app.logger.exception("Rate-limit store unavailable at login")
            raise APIError(
                503,
                "The rate-limit store is unavailable; please retry shortly.",
                headers={"Retry-After": "1"},
            ) from None
        if not allowed:
            reset_at = strategy.get_window_stats(limit, FAILED_LOGINS, key).reset_time
            retry_after = max(1, math.ceil(reset_at - time.time()))
            raise APIError(
                429,
                "Too many failed logins for this username; try again later.",
                headers={"Retry-After": str(retry_after)},
            )


def forget_login_attempts(username: str) -> None:
    """Free the username's failed-login slots after a successful login."""
    if not limiter.enabled:
        return
    try:
        for limit in _login_failure_limits():
            limiter.limiter.clear(limit, FAILED_LOGINS, _username_key(username))
    except redis.RedisError:
        # The password was right; the old count simply runs out on its own.
        current_app.logger.exception("Rate-limit store unavailable after login")


def _username_key(username: str) -> str:
    # The same folding as find_user_by_username, so every spelling that reaches
    # one account shares one count.
    return username.lower()


def _login_failure_limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_FAILURE_LIMIT"])
