"""Login and registration rate limits (Flask-Limiter)."""

from unittest.mock import ANY

import pytest
import redis

import plumbing.login_limits
from app import create_app
from extensions import db, limiter
from tests.helpers import PASSWORD, AuthActions


@pytest.fixture
def limited_app(app_config):
    """An app with rate limiting on, as in development and production."""
    app = create_app(app_config | {"RATELIMIT_ENABLED": True})
    with app.app_context():
        db.create_all()
    return app


def register(app, username: str, address: str = "10.0.0.1"):
    return app.test_client().post(
        "/register",
        json={
            "username": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
        },
        environ_base={"REMOTE_ADDR": address},
    )


def login(app, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return app.test_client().post(
        "/login",
        json={"username": username, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def assert_429(response, message_part: str):
    assert response.status_code == 429
    body = response.get_json()
    assert body["status"] == "failed"
    assert message_part in body["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_five_failed_logins_per_username_then_429_until_the_window_passes(
    limited_app, clock
):
    register(limited_app, "alice")
    # Each failure comes from a different address: the limit follows the name.
    for attempt in range(5):
        assert (
            login(
                limited_app, "alice", "wrongpassword1", f"10.0.1.{attempt}"
            ).status_code
            == 401
        )
    # Even the right password is refused now, from anywhere, whatever the case.
    assert_429(
        login(limited_app, "ALICE", address="10.0.2.1"),
        "failed logins for this username",
    )
    # Other usernames are unaffected.
    register(limited_app, "bob", "10.0.3.1")
    assert login(limited_app, "bob", address="10.0.3.1").status_code == 200

    clock.advance(61)
    assert login(limited_app, "alice", address="10.0.2.1").status_code == 200


def test_successful_logins_do_not_count_against_the_username(limited_app):
    register(limited_app, "alice")
    for attempt in range(8):
        response = login(limited_app, "alice", address=f"10.0.4.{attempt}")
        assert response.status_code == 200


def test_twenty_logins_per_address_per_minute(limited_app, clock):
    for number in range(4):
        register(limited_app, f"user{number}", address=f"10.1.0.{number}")
    for attempt in range(20):
        assert (
            login(limited_app, f"user{attempt % 4}", address="10.9.9.9").status_code
            == 200
        )
    assert_429(login(limited_app, "user0", address="10.9.9.9"), "from this address")
    # Another address is unaffected.
    assert login(limited_app, "user0", address="10.9.9.8").status_code == 200
    clock.advance(61)
    assert login(limited_app, "user0", address="10.9.9.9").status_code == 200


def test_registration_is_limited_per_address(limited_app, clock):
    for number in range(10):
        assert (
            register(limited_app, f"new{number}", address="10.2.0.1").status_code == 201
        )
    response = register(limited_app, "one_too_many", address="10.2.0.1")
    assert_429(response, "accounts created from this address")
    assert register(limited_app, "elsewhere", address="10.2.0.2").status_code == 201
    clock.advance(3601)
    assert register(limited_app, "next_hour", address="10.2.0.1").status_code == 201


def test_malformed_login_bodies_are_still_limited_per_address(limited_app):
    client = limited_app.test_client()
    for _ in range(20):
        response = client.post(
            "/login", data="[" * 5000, content_type="application/json"
        )
        assert response.status_code == 400
    response = client.post("/login", data="[", content_type="application/json")
    assert response.status_code == 429


def test_limits_are_configurable(app_config):
    app = create_app(
        app_config | {"RATELIMIT_ENABLED": True, "LOGIN_FAILURE_LIMIT": "2 per minute"}
    )
    with app.app_context():
        db.create_all()
    register(app, "alice")
    for _ in range(2):
        assert login(app, "alice", "wrongpassword1").status_code == 401
    assert login(app, "alice").status_code == 429


def test_flask_ratelimit_enabled_false_turns_limits_off(app_config, monkeypatch):
    monkeypatch.setenv("FLASK_RATELIMIT_ENABLED", "false")
    app = create_app(
        {key: value for key, value in app_config.items() if key != "APP_ENV"}
    )
    with app.app_context():
        db.create_all()
    assert app.config["RATELIMIT_ENABLED"] is False
    AuthActions(app.test_client()).register("alice")
    for _ in range(10):
        assert login(app, "alice", "wrongpassword1").status_code == 401


def test_a_successful_login_frees_the_usernames_failed_attempts(limited_app):
    register(limited_app, "alice")
    for _ in range(4):
        assert login(limited_app, "alice", "wrongpassword1").status_code == 401
    assert login(limited_app, "alice").status_code == 200
    # The owner's typos are forgiven once they get in: a full count again.
    for _ in range(5):
        assert login(limited_app, "alice", "wrongpassword1").status_code == 401
    assert_429(
        login(limited_app, "alice", "wrongpassword1"), "failed logins for this username"
    )


def test_only_a_429_carries_retry_after(limited_app):
    responses = [
        register(limited_app, "alice"),
        login(limited_app, "alice"),
        login(limited_app, "alice", "wrongpassword1"),
    ]
    assert [response.status_code for response in responses] == [201, 200, 401]
    for response in responses:
        assert "Retry-After" not in response.headers
        assert int(response.headers["X-RateLimit-Remaining"]) >= 0
    assert responses[1].headers["X-RateLimit-Limit"] == "20"  # per address
    for _ in range(4):
        login(limited_app, "alice", "wrongpassword1")
    assert_429(login(limited_app, "alice"), "failed logins for this username")


def test_a_rate_limit_store_lost_mid_request_refuses_the_attempt(
    limited_app, monkeypatch
):
    register(limited_app, "alice")

    strategy = limiter.limiter
    real_hit = strategy.hit

    def hit_until_the_username_count(limit, *identifiers, **kwargs):
        if plumbing.login_limits.FAILED_LOGINS in identifiers:
            raise redis.ConnectionError("connection refused")
        return real_hit(limit, *identifiers, **kwargs)

    # The per-address check passes; the store fails at the username's count.
    monkeypatch.setattr(strategy, "hit", hit_until_the_username_count)
    response = login(limited_app, "alice")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "failed",
        "message": "The rate-limit store is unavailable; please retry shortly.",
        "errors": [],
        "timestamp": ANY,
    }
    assert response.headers["Retry-After"] == "1"
    assert "Set-Cookie" not in response.headers
