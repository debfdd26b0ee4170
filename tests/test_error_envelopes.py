"""Every error answer, from every layer that can give one, carries a UTC timestamp."""

from types import SimpleNamespace

import pytest

import routes.inventory
from app import create_app
from tests.helpers import AuthActions, assert_utc_timestamp, item_payload


def unexpected_error(ctx):
    def explode(item):
        raise RuntimeError("boom")

    ctx.monkeypatch.setattr(routes.inventory, "item_to_dict", explode)
    return ctx.client.post("/inventory", json=item_payload())


def session_store_down_on_save(ctx):
    # Logout, whose purpose is the session, fails when the store cannot delete
    # it (a mere refresh that fails no longer fails its request: issue 24).
    ctx.monkeypatch.setattr(ctx.app.session_interface, "_delete_session", fail)
    return ctx.client.post("/logout")


def session_store_down_on_load(ctx):
    ctx.monkeypatch.setattr(ctx.app.session_interface, "_retrieve_session_data", fail)
    return ctx.client.get("/me")


def fail(*args, **kwargs):
    raise OSError("the store is gone")


def too_many_logins(ctx):
    limited = create_app(
        ctx.config | {"RATELIMIT_ENABLED": True, "LOGIN_LIMIT": "1 per minute"}
    )
    AuthActions(limited.test_client()).login("alice")
    return AuthActions(limited.test_client()).login("alice")


def stale_if_match(ctx):
    item_id = ctx.client.post("/inventory", json=item_payload()).get_json()["item_id"]
    return ctx.client.delete(f"/inventory/{item_id}", headers={"If-Match": '"7"'})


# Each layer that can answer with an error, as a staff user "alice".
ERRORS = {
    "validation (400)": (
        400,
        lambda ctx: ctx.client.post("/inventory", json={"quantity": "5"}),
    ),
    "query (400)": (400, lambda ctx: ctx.client.get("/inventory?perpage=5")),
    "login_required (401)": (401, lambda ctx: ctx.app.test_client().get("/inventory")),
    "admin_required (403)": (403, lambda ctx: ctx.client.get("/users")),
    "cross-site (403)": (
        403,
        lambda ctx: ctx.client.post(
            "/logout", headers={"Origin": "https://evil.example"}
        ),
    ),
    "Werkzeug 404": (404, lambda ctx: ctx.client.get("/no-such-page")),
    "view 404": (404, lambda ctx: ctx.client.get("/inventory/999")),
    "Werkzeug 405": (405, lambda ctx: ctx.client.delete("/inventory")),
    "conflict (409)": (409, lambda ctx: AuthActions(ctx.client).register("alice")),
    "stale If-Match (412)": (412, stale_if_match),
    "body too large (413)": (
        413,
        lambda ctx: ctx.client.post(
            "/inventory", data="x" * (1024 * 1024 + 1), content_type="application/json"
        ),
    ),
    "not JSON (415)": (
        415,
        lambda ctx: ctx.client.post("/inventory", data="x", content_type="text/plain"),
    ),
    "Flask-Limiter (429)": (429, too_many_logins),
    "unexpected (500)": (500, unexpected_error),
    "session store, load (503)": (503, session_store_down_on_load),
    "session store, save (503)": (503, session_store_down_on_save),
}


@pytest.mark.parametrize("case", ERRORS)
def test_every_error_answer_carries_a_utc_timestamp(
    app, app_config, logged_in, monkeypatch, case
):
    status, provoke = ERRORS[case]
    ctx = SimpleNamespace(
        app=app, client=logged_in, config=app_config, monkeypatch=monkeypatch
    )
    response = provoke(ctx)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == "failed"
    assert isinstance(body["message"], str) and body["message"]
    assert_utc_timestamp(body)
