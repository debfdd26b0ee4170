"""PUT /me/password: the old password required, this session kept, the others ended."""

from unittest.mock import ANY

import pytest
from sqlalchemy import select

from models import User
from tests.helpers import AuthActions, stored_session_count

NEW = "new-secret-9"


def change(client, current="password123", new=NEW):
    return client.put(
        "/me/password", json={"current_password": current, "new_password": new}
    )


def test_a_password_change_answers_and_the_new_password_logs_in(app, logged_in):
    response = change(logged_in)
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "message": "Password changed.",
        "timestamp": ANY,
    }
    fresh = app.test_client()
    old = fresh.post("/login", json={"username": "alice", "password": "password123"})
    assert old.status_code == 401
    new = fresh.post("/login", json={"username": "alice", "password": NEW})
    assert new.status_code == 200


def test_this_session_stays_under_a_new_id_and_every_other_one_ends(app, logged_in):
    other_tab, phone = app.test_client(), app.test_client()
    for client in (other_tab, phone):
        AuthActions(client).login()
        assert client.get("/me").status_code == 200
    before = logged_in.get_cookie("session").value
    assert stored_session_count(app) == 3
    assert change(logged_in).status_code == 200
    assert logged_in.get_cookie("session").value != before  # rotated
    assert logged_in.get("/me").status_code == 200
    assert logged_in.get("/inventory").status_code == 200
    for client in (other_tab, phone):
        response = client.get("/inventory")
        assert response.status_code == 401
        assert response.get_json()["status"] == "failed"
    assert stored_session_count(app) == 1


def test_another_users_sessions_are_left_alone(app, logged_in, bob):
    assert change(logged_in).status_code == 200
    assert bob.get("/me").status_code == 200


def test_a_wrong_current_password_is_400_on_its_field_and_changes_nothing(
    app, logged_in
):
    other_tab = app.test_client()
    AuthActions(other_tab).login()
    response = change(logged_in, current="not-my-pass-1")
    assert response.status_code == 400
    assert response.get_json() == {
        "status": "failed",
        "message": "Validation failed.",
        "errors": [
            {
                "field": "current_password",
                "message": "This is not your current password.",
            }
        ],
        "timestamp": ANY,
    }
    assert other_tab.get("/me").status_code == 200
    fresh = app.test_client()
    login = fresh.post("/login", json={"username": "alice", "password": "password123"})
    assert login.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "password123", "new_password": "short1"}, "new_password"),
        ({"current_password": "password123", "new_password": "lettersonly"}, "new_password"),
        ({"current_password": "password123", "new_password": "12345678"}, "new_password"),
        ({"current_password": "password123", "new_password": "é" * 37 + "1"}, "new_password"),
        ({"current_password": "password123", "new_password": 12345678}, "new_password"),
        ({"current_password": "password123"}, "new_password"),
        ({"new_password": NEW}, "current_password"),
        ({"current_password": "", "new_password": NEW}, "current_password"),
        ({"current_password": "x" * 73, "new_password": NEW}, "current_password"),
        ({"current_password": "password123", "new_password": NEW, "extra": 1}, "extra"),
    ],
)  # fmt: skip
def test_the_body_is_strict_with_the_rules_of_registering(logged_in, body, field):
    response = logged_in.put("/me/password", json=body)
    assert response.status_code == 400
    body_out = response.get_json()
    assert body_out["status"] == "failed"
    assert field in [error["field"] for error in body_out["errors"]]
    assert change(logged_in, new="password123").status_code == 200  # unchanged


def test_a_password_change_needs_a_session(client):
    response = change(client)
    assert response.status_code == 401
    assert response.get_json()["status"] == "failed"


def test_a_password_change_is_in_the_history_without_the_password(logged_in):
    assert change(logged_in).status_code == 200
    row = logged_in.get("/history?per_page=1").get_json()["history"][0]
    assert (row["action_type"], row["entity_type"]) == ("update", "user")
    assert row["details"] == {"password": "changed"}
    assert "password123" not in str(row) and NEW not in str(row)


def test_the_session_is_rotated_even_when_two_tabs_change_in_turn(app, logged_in):
    other_tab = app.test_client()
    AuthActions(other_tab).login()
    assert change(logged_in).status_code == 200
    # The other tab was logged out: it cannot change the password back.
    response = change(other_tab, current=NEW, new="password123")
    assert response.status_code == 401


def test_wrong_current_passwords_count_as_failed_logins(app_config):
    from app import create_app
    from extensions import db

    limits = {"RATELIMIT_ENABLED": True, "LOGIN_FAILURE_LIMIT": "2 per minute"}
    app = create_app(app_config | limits)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    AuthActions(client).register_and_login()
    for _ in range(2):
        assert change(client, current="guess-pass-1").status_code == 400
    response = change(client)  # even the right one waits, unchecked
    assert response.status_code == 429
    assert response.get_json()["status"] == "failed"
    with app.app_context():
        assert db.session.scalar(select(User)).check_password("password123")
