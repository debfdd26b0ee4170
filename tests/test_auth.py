"""Registration, login, logout and /me."""

from unittest.mock import ANY

import pytest
from sqlalchemy import select

from extensions import db
from models import User
from tests.helpers import PASSWORD

PROTECTED_ROUTES = [
    ("post", "/logout"),
    ("get", "/me"),
    ("post", "/inventory"),
    ("get", "/inventory"),
    ("get", "/inventory/1"),
    ("put", "/inventory/1"),
    ("patch", "/inventory/1"),
    ("delete", "/inventory/1"),
    ("get", "/history"),
]


def test_register_returns_201_and_the_seed_message(auth):
    response = auth.register("alice")
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "successful"
    assert body["message"] == "User registered successfully!"
    assert body["user"]["username"] == "alice"
    assert "password_hash" not in body["user"]


def test_register_stores_a_bcrypt_hash_not_the_password(app, auth):
    auth.register("alice")
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.password_hash.startswith("$2")
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("username", "email", "field"),
    [
        ("alice", "other@example.com", "username"),
        ("ALICE", "other@example.com", "username"),
        ("carol", "alice@example.com", "email"),
        ("carol", "Alice@EXAMPLE.com", "email"),
    ],
)
def test_register_duplicate_is_409_ignoring_case(auth, username, email, field):
    auth.register("alice")
    response = auth.register(username, email=email)
    assert response.status_code == 409
    body = response.get_json()
    assert body["status"] == "failed"
    assert [error["field"] for error in body["errors"]] == [field]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "ab", "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": "a" * 31, "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": "bad name", "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": "bad-name", "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": 123, "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": " alice", "email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": "alice", "email": "a@b", "password": PASSWORD}, "email"),
        ({"username": "alice", "email": "a b@example.com", "password": PASSWORD}, "email"),
        ({"username": "alice", "email": "a@example.com", "password": "pass word"}, "password"),
        ({"username": "alice", "email": "not-an-email", "password": PASSWORD}, "email"),
        ({"username": "alice", "email": "a@example.com", "password": "short1"}, "password"),
        ({"username": "alice", "email": "a@example.com", "password": "lettersonly"}, "password"),
        ({"username": "alice", "email": "a@example.com", "password": "123456789"}, "password"),
        ({"username": "alice", "email": "a@example.com", "password": "a1" * 37}, "password"),
        # 25 three-byte characters are 75 bytes, though only 26 characters.
        ({"username": "alice", "email": "a@example.com", "password": "1" + "€" * 25}, "password"),
        ({"email": "a@example.com", "password": PASSWORD}, "username"),
        ({"username": "alice", "password": PASSWORD}, "email"),
        ({"username": "alice", "email": "a@example.com"}, "password"),
        ({"username": "alice", "email": "a@example.com", "password": PASSWORD, "role": "admin"}, "role"),
    ],
)  # fmt: skip
def test_register_rejects_bad_input(client, body, field):
    response = client.post("/register", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["status"] == "failed"
    assert field in [error["field"] for error in payload["errors"]]
    with client.application.app_context():
        assert db.session.scalar(select(User)) is None


def test_password_of_exactly_72_bytes_is_accepted(auth):
    password = "a1" * 36
    assert auth.register("alice", password=password).status_code == 201
    assert auth.login("alice", password=password).status_code == 200


def test_login_sets_a_session_cookie_and_the_seed_message(auth, client):
    auth.register("alice")
    response = auth.login("alice")
    assert response.status_code == 200
    assert response.get_json()["message"] == "Login successful!"
    assert client.get_cookie("session") is not None
    assert client.get("/me").get_json()["user"]["username"] == "alice"


def test_login_username_ignores_case(auth):
    auth.register("alice")
    assert auth.login("ALICE").status_code == 200


@pytest.mark.parametrize(
    ("username", "password"),
    [("alice", "wrongpassword1"), ("nobody", PASSWORD)],
)
def test_wrong_password_and_unknown_user_look_the_same(auth, username, password):
    auth.register("alice")
    response = auth.login(username, password)
    assert response.status_code == 401
    assert response.get_json() == {
        "status": "failed",
        "message": "Invalid username or password.",
        "errors": [],
        "timestamp": ANY,
    }


@pytest.mark.parametrize(
    "body",
    [
        {"username": "alice"},
        {"password": PASSWORD},
        {"username": "alice", "password": 12345678},
        {"username": "alice", "password": ""},
        {"username": "alice", "password": PASSWORD, "remember": True},
    ],
)
def test_login_rejects_bad_input(auth, client, body):
    auth.register("alice")
    response = client.post("/login", json=body)
    assert response.status_code == 400
    assert response.get_json()["status"] == "failed"


def test_login_with_overlong_password_is_400_not_500(auth):
    auth.register("alice")
    response = auth.login("alice", "a1" * 40)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "password"


def test_logout_ends_the_session(logged_in):
    response = logged_in.post("/logout")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "message": "Logged out successfully!",
        "timestamp": ANY,
    }
    assert logged_in.get("/me").status_code == 401


def test_me_never_shows_the_password_hash(logged_in):
    user = logged_in.get("/me").get_json()["user"]
    assert set(user) == {"id", "username", "email", "role", "created_at"}


@pytest.mark.parametrize(("method", "path"), PROTECTED_ROUTES)
def test_protected_routes_need_login(client, method, path):
    response = getattr(client, method)(path, json={})
    assert response.status_code == 401
    body = response.get_json()
    assert body["status"] == "failed"
    assert "log in" in body["message"]


def test_a_deleted_user_is_logged_out(app, logged_in):
    with app.app_context():
        db.session.delete(db.session.scalar(select(User)))
        db.session.commit()
    assert logged_in.get("/me").status_code == 401
