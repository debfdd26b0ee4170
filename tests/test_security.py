"""CSRF defences, cookie flags, and security headers."""

from unittest.mock import ANY

import pytest

from app import create_app

CROSS_SITE_HEADERS = [
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
]


@pytest.mark.parametrize("headers", CROSS_SITE_HEADERS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("post", "/inventory"), ("post", "/logout"), ("post", "/login"), ("put", "/inventory/1"),
     ("patch", "/inventory/1"), ("delete", "/inventory/1"), ("post", "/register")],
)  # fmt: skip
def test_cross_site_unsafe_requests_are_403(logged_in, headers, method, path):
    response = getattr(logged_in, method)(path, json={}, headers=headers)
    assert response.status_code == 403
    assert response.get_json() == {
        "status": "failed",
        "message": "Refused: this request came from a page on another site. To "
        "protect you against cross-site request forgery (CSRF), changes are "
        "accepted only from this API's own origin or an origin it trusts.",
        "errors": [],
        "timestamp": ANY,
    }
    # Still logged in: the forged logout did nothing.
    assert logged_in.get("/me").status_code == 200


def test_same_origin_and_same_site_requests_are_allowed(logged_in):
    response = logged_in.post(
        "/inventory",
        json={"item_name": "x", "quantity": 1, "price": 1},
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 201


def test_cross_site_reads_are_not_blocked(logged_in):
    response = logged_in.get("/inventory", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


def test_trusted_origins_are_configurable(app_config):
    app = create_app(app_config | {"TRUSTED_ORIGINS": ["https://dashboard.example"]})
    client = app.test_client()
    response = client.post(
        "/login", json={}, headers={"Origin": "https://dashboard.example"}
    )
    assert response.status_code == 400  # reached validation, not refused


@pytest.mark.parametrize("path", ["/login", "/logout", "/register", "/inventory"])
@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_form_content_types_are_415_everywhere(logged_in, path, content_type):
    response = logged_in.post(path, data="{}", content_type=content_type)
    assert response.status_code == 415
    assert response.get_json()["message"] == "Content-Type must be application/json."
    assert logged_in.get("/me").status_code == 200


def test_form_encoded_login_cannot_log_anyone_in(auth, client):
    auth.register("alice")
    response = client.post(
        "/login",
        data={"username": "alice", "password": "password123"},
    )
    assert response.status_code == 415
    assert client.get("/me").status_code == 401


def test_bodyless_logout_like_curl_is_allowed(logged_in):
    # curl -X POST /logout sends neither a body nor a Content-Type.
    assert logged_in.post("/logout").status_code == 200


def test_session_cookie_is_httponly_and_samesite_lax(auth, client):
    auth.register("alice")
    cookie = auth.login("alice").headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development and tests run over plain HTTP


def test_production_cookie_is_secure(app_config):
    app = create_app(app_config | {"APP_ENV": "production", "SECRET_KEY": "k" * 32})
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("path", ["/me", "/inventory", "/no-such-page"])
def test_security_headers_on_every_response(logged_in, path):
    response = logged_in.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
