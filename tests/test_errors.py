"""Every error, Werkzeug's own included, is the JSON envelope, never a stack trace.

The envelope carries a UTC timestamp, as the original API's answers did.
"""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

import routes.inventory
from extensions import db
from models import Item


def assert_envelope(response, status_code):
    assert response.status_code == status_code
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "failed"
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["errors"], list)
    stamp = datetime.fromisoformat(body["timestamp"])
    assert stamp.utcoffset() == timedelta(0)
    return body


def test_unknown_url_is_json_404(client):
    assert_envelope(client.get("/no-such-page"), 404)


def test_wrong_method_is_json_405_with_allow(logged_in):
    response = logged_in.post("/history")
    assert_envelope(response, 405)
    assert "GET" in response.headers["Allow"]


def test_body_over_1_mb_is_json_413(logged_in):
    big = '{"item_name": "' + "x" * (1024 * 1024) + '"}'
    response = logged_in.post("/inventory", data=big, content_type="application/json")
    body = assert_envelope(response, 413)
    assert "1024 KB" in body["message"]


def test_non_json_content_type_is_json_415(logged_in):
    response = logged_in.post("/inventory", data="item_name=x")
    assert_envelope(response, 415)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Request body is not valid JSON."),
        ("{", "Request body is not valid JSON."),
        ("{'item_name': 'x'}", "Request body is not valid JSON."),
        ("[" * 100_000, "Request body is not valid JSON."),
        ("\xff\xfe", "Request body is not valid JSON."),
        ("[]", "Request body must be a JSON object."),
        ('"text"', "Request body must be a JSON object."),
        ("42", "Request body must be a JSON object."),
        ("null", "Request body must be a JSON object."),
    ],
)
def test_malformed_or_non_object_bodies_are_400(app, logged_in, raw, message):
    response = logged_in.post(
        "/inventory", data=raw.encode("latin-1"), content_type="application/json"
    )
    assert assert_envelope(response, 400)["message"] == message
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0


def test_unexpected_errors_are_json_500_without_details(app, logged_in, monkeypatch):
    def explode(item):
        raise RuntimeError("secret internal detail: SELECT * FROM users")

    monkeypatch.setattr(routes.inventory, "item_to_dict", explode)
    response = logged_in.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
    )
    body = assert_envelope(response, 500)
    assert body["message"] == "Internal server error."
    assert "secret" not in response.get_data(as_text=True)
    assert "SELECT" not in response.get_data(as_text=True)
