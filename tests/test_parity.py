"""Parity with the original API: its messages, and a UTC timestamp on every envelope.

The original answered every request with ``status``, ``message`` and
``timestamp``. Its clients keep working if every JSON answer here, from every
route and every layer that can answer (views, error handlers, Werkzeug,
Flask-Limiter, the session store), carries the same three keys.
"""

import json
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from flask import jsonify

import routes.inventory
from app import create_app
from plumbing.envelope import utc_timestamp
from tests.helpers import (
    PASSWORD,
    AuthActions,
    documented_routes,
    item_payload,
    make_category,
    make_supplier,
)

OPERATIONS = documented_routes()

CSV_IMPORT = "item_name,quantity,price\r\nImported mouse,4,19.90\r\n"

# One successful request per operation, as the admin "boss" who owns the item
# {item}; {category}, {supplier} (used by no item) and {user} ("alice") exist,
# and boss is the admin of {team} (with the member {member}) and of {spare}.
SUCCESSES = {
    ("POST", "auth.register"): (
        "/register",
        {"username": "newbie", "email": "newbie@example.com", "password": PASSWORD},
        201,
    ),
    ("POST", "auth.login"): ("/login", {"username": "boss", "password": PASSWORD}, 200),
    ("POST", "auth.logout"): ("/logout", None, 200),
    ("GET", "auth.me"): ("/me", None, 200),
    ("POST", "inventory.create_item"): ("/inventory", item_payload(), 201),
    ("GET", "inventory.list_items"): ("/inventory", None, 200),
    ("GET", "inventory.get_item"): ("/inventory/{item}", None, 200),
    ("PUT", "inventory.update_item"): ("/inventory/{item}", {"quantity": 3}, 200),
    ("PATCH", "inventory.update_item"): ("/inventory/{item}", {"quantity": 4}, 200),
    ("DELETE", "inventory.delete_item"): ("/inventory/{item}", None, 200),
    ("POST", "stock.change_stock"): (
        "/inventory/{item}/stock",
        {"change": -1, "reason": "sale"},
        200,
    ),
    ("GET", "stock.list_movements"): (
        "/inventory/{item}/movements?verify=true",
        None,
        200,
    ),
    ("GET", "stock.low_stock_alerts"): ("/alerts/low-stock", None, 200),
    ("GET", "stock.expiring_alerts"): ("/alerts/expiring?within_days=7", None, 200),
    ("GET", "teams.list_teams"): ("/teams", None, 200),
    ("POST", "teams.create_team"): ("/teams", {"name": "Corner shop"}, 201),
    ("GET", "teams.get_team"): ("/teams/{team}", None, 200),
    ("PATCH", "teams.rename_team"): ("/teams/{team}", {"name": "Renamed"}, 200),
    ("DELETE", "teams.delete_team"): ("/teams/{spare}", None, 200),
    ("POST", "teams.switch_team"): ("/teams/{team}/switch", None, 200),
    ("POST", "teams.add_member"): ("/teams/{team}/members", {"username": "alice"}, 201),
    ("PATCH", "teams.change_member_role"): (
        "/teams/{team}/members/{member}",
        {"role": "admin"},
        200,
    ),
    ("DELETE", "teams.remove_member"): ("/teams/{team}/members/{member}", None, 200),
    ("GET", "inventory_csv.export_csv"): ("/inventory/export.csv", None, 200),
    ("POST", "inventory_csv.import_csv"): ("/inventory/import", CSV_IMPORT, 200),
    ("GET", "history.list_history"): ("/history", None, 200),
    ("GET", "categories.list_entries"): ("/categories", None, 200),
    ("GET", "categories.get_entry_view"): ("/categories/{category}", None, 200),
    ("POST", "categories.create_entry"): ("/categories", {"name": "Garden"}, 201),
    ("PUT", "categories.update_entry"): (
        "/categories/{category}",
        {"description": "x"},
        200,
    ),
    ("PATCH", "categories.update_entry"): (
        "/categories/{category}",
        {"description": "y"},
        200,
    ),
    ("DELETE", "categories.delete_entry"): ("/categories/{category}", None, 200),
    ("GET", "suppliers.list_entries"): ("/suppliers", None, 200),
    ("GET", "suppliers.get_entry_view"): ("/suppliers/{supplier}", None, 200),
    ("POST", "suppliers.create_entry"): ("/suppliers", {"name": "Acme"}, 201),
    ("PUT", "suppliers.update_entry"): (
        "/suppliers/{supplier}",
        {"phone": "+1 555 0100"},
        200,
    ),
    ("PATCH", "suppliers.update_entry"): (
        "/suppliers/{supplier}",
        {"phone": "+1 555 0101"},
        200,
    ),
    ("DELETE", "suppliers.delete_entry"): ("/suppliers/{supplier}", None, 200),
    ("GET", "users.list_users"): ("/users", None, 200),
    ("GET", "users.get_user_view"): ("/users/{user}", None, 200),
    ("PATCH", "users.change_role"): ("/users/{user}", {"role": "staff"}, 200),
    ("GET", "ops.health"): ("/health", None, 200),
    ("GET", "ops.index"): ("/", None, 200),
    ("GET", "ops.version"): ("/version", None, 200),
    ("GET", "docs.openapi_document"): ("/openapi.json", None, 200),
    ("GET", "docs.docs_page"): ("/docs", None, 200),
    ("GET", "docs.docs_asset"): ("/docs/assets/swagger-init.js", None, 200),
}
# JSON that is a document, not an answer in the envelope: left unstamped.
NOT_ENVELOPES = {("GET", "docs.openapi_document")}


def send(client, method: str, path: str, body=None):
    """Send JSON (a dict), CSV (a string) or no body."""
    if isinstance(body, str):
        return client.open(path, method=method, data=body, content_type="text/csv")
    return client.open(path, method=method, json=body)


def assert_utc_timestamp(body: dict) -> datetime:
    """Check the envelope's timestamp is ISO 8601 UTC, about now; return it."""
    stamp = datetime.fromisoformat(body["timestamp"])
    assert stamp.utcoffset() == timedelta(0), body["timestamp"]
    assert body["timestamp"].endswith("+00:00")
    assert abs(datetime.now(timezone.utc) - stamp) < timedelta(minutes=1)
    return stamp


@pytest.fixture
def world(app, admin, make_item):
    """Ids of one of each thing, owned by (or visible to) the admin client."""
    alice = AuthActions(app.test_client()).register("alice").get_json()["user"]
    carol = AuthActions(app.test_client()).register("carol").get_json()["user"]
    team = admin.post("/teams", json={"name": "Shop"}).get_json()["team"]["id"]
    added = admin.post(f"/teams/{team}/members", json={"username": "carol"})
    assert added.status_code == 201, added.get_json()
    return {
        "item": make_item(admin)["id"],
        "category": make_category(admin, "Tools")["id"],
        "supplier": make_supplier(admin, "Bolt")["id"],
        "user": alice["id"],
        "team": team,
        "member": carol["id"],
        "spare": admin.post("/teams", json={"name": "Spare"}).get_json()["team"]["id"],
    }


def test_the_table_covers_every_route(app):
    routes = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
        # The dashboard's pages answer HTML; the API's contract is JSON.
        if not rule.endpoint.startswith("dashboard.")
    }
    assert set(SUCCESSES) == routes == set(OPERATIONS)


@pytest.mark.parametrize(("method", "endpoint"), sorted(SUCCESSES))
def test_every_json_answer_carries_a_utc_timestamp(admin, world, method, endpoint):
    path, body, status = SUCCESSES[method, endpoint]
    with send(admin, method, path.format(**world), body) as response:
        # Read it all: a streamed CSV closes its database cursor at the end.
        text = response.get_data(as_text=True)
        assert response.status_code == status, text
        document = response.get_json(silent=True)
    if document is None:
        return  # CSV, the docs page and its assets
    if (method, endpoint) in NOT_ENVELOPES:
        assert "timestamp" not in document and "status" not in document
        return
    assert document["status"] == "successful"
    assert_utc_timestamp(document)


def unexpected_error(ctx):
    def explode(item):
        raise RuntimeError("boom")

    ctx.monkeypatch.setattr(routes.inventory, "item_to_dict", explode)
    return ctx.client.post("/inventory", json=item_payload())


def session_store_down_on_save(ctx):
    # Every request re-saves the session, and saving fails: sessions.py
    # rewrites the finished response into the envelope itself.
    ctx.app.config["SESSION_REFRESH_INTERVAL"] = 0
    ctx.monkeypatch.setattr(ctx.app.session_interface, "_upsert_session", fail)
    return ctx.client.get("/me")


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


# The original's contract (its README), answer by answer.
@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        ("POST", "/logout", None, 200, "Logged out successfully!"),
        ("POST", "/inventory", item_payload(), 201, "Item created successfully!"),
        ("GET", "/inventory", None, 200, "Items retrieved successfully!"),
        ("GET", "/inventory/{item}", None, 200, "Item retrieved successfully!"),
        (
            "PUT",
            "/inventory/{item}",
            {"item_name": "Updated Laptop", "quantity": 10, "price": 1100.00},
            200,
            "Item updated successfully!",
        ),
        ("DELETE", "/inventory/{item}", None, 200, "Item deleted successfully!"),
        ("GET", "/history", None, 200, "History retrieved successfully!"),
    ],
)
def test_the_originals_messages(
    logged_in, make_item, method, path, body, status, message
):
    item = make_item(logged_in)
    response = send(logged_in, method, path.format(item=item["id"]), body)
    assert response.status_code == status
    answer = response.get_json()
    assert (answer["status"], answer["message"]) == ("successful", message)
    assert_utc_timestamp(answer)


def test_register_and_login_say_what_the_original_said(auth):
    registered = auth.register("alice")
    logged_in = auth.login("alice")
    assert (registered.status_code, logged_in.status_code) == (201, 200)
    for response, message in (
        (registered, "User registered successfully!"),
        (logged_in, "Login successful!"),
    ):
        body = response.get_json()
        assert (body["status"], body["message"]) == ("successful", message)
        assert_utc_timestamp(body)


def test_item_writes_answer_the_item_id_as_the_original_did(logged_in, make_item):
    item = make_item(logged_in)
    updated = logged_in.put(f"/inventory/{item['id']}", json={"quantity": 1})
    deleted = logged_in.delete(f"/inventory/{item['id']}")
    assert updated.get_json()["item_id"] == deleted.get_json()["item_id"] == item["id"]


def test_an_idempotent_replay_repeats_the_first_answer_timestamp_included(logged_in):
    headers = {"Idempotency-Key": "once"}
    first = logged_in.post("/inventory", json=item_payload(), headers=headers)
    again = logged_in.post("/inventory", json=item_payload(), headers=headers)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["timestamp"] == first.get_json()["timestamp"]
    assert_utc_timestamp(first.get_json())


# --- The deliberate differences the README lists -----------------------------------


def test_no_session_is_401_where_the_original_said_403(client):
    response = client.get("/inventory")
    assert response.status_code == 401
    assert response.get_json()["message"] == (
        "Authentication required: log in with POST /login."
    )


def test_a_taken_username_is_409_where_the_original_said_400(auth):
    auth.register("alice")
    response = auth.register("alice", email="other@example.com")
    assert response.status_code == 409
    assert response.get_json()["errors"] == [
        {"field": "username", "message": "This username is already taken."}
    ]


def test_logout_without_a_session_is_401_where_the_original_said_200(client):
    response = client.post("/logout")
    assert response.status_code == 401
    assert response.get_json()["status"] == "failed"


# --- The JSON provider ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stamped"),
    [
        ({"status": "successful"}, True),
        ({"status": "failed", "timestamp": "kept"}, False),
        ({"openapi": "3.1.0"}, False),
        ([{"status": "successful"}], False),
    ],
)
def test_only_envelopes_without_a_timestamp_are_stamped(app, value, stamped):
    with app.test_request_context():
        body = jsonify(value).get_json()
    if stamped:
        assert body == {**value, "timestamp": body["timestamp"]}
        assert_utc_timestamp(body)
    else:
        assert body == value


def test_timestamps_always_have_microseconds():
    stamp = utc_timestamp()
    assert len(stamp) == len("2026-11-23T18:45:12.345678+00:00"), stamp


@pytest.mark.parametrize("debug", [False, True])
def test_answers_are_the_json_flasks_own_encoder_writes(app, debug):
    # msgspec encodes the bodies (plumbing/envelope.py); a client must not be
    # able to tell: the same keys in the same (sorted) order, the same values,
    # compact in production and indented in debug mode, text as UTF-8.
    value = {
        "status": "successful",
        "timestamp": "kept",
        "item": {"price": 12.5, "tags": [], "name": "Crème brûlée ☕", "sku": None},
        "big": 1e16,
        "list": [{"b": 2, "a": 1}, True],
    }
    app.debug = debug
    with app.test_request_context():
        raw = jsonify(value).get_data()
    flasks_own = json.dumps(
        value,
        sort_keys=True,
        ensure_ascii=False,
        **({"indent": 2} if debug else {"separators": (",", ":")}),
    )
    assert json.loads(raw) == value
    assert raw.decode("utf-8") == flasks_own.replace("1e+16", "1e16") + "\n"
