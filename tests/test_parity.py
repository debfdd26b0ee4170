"""Parity with the original API: its messages, and a UTC timestamp on every envelope.

The original answered every request with ``status``, ``message`` and
``timestamp``. Its clients keep working if every JSON answer here, from every
route and every layer that can answer (views, error handlers, Werkzeug,
Flask-Limiter, the session store), carries the same three keys.
"""

import pytest

from tests.helpers import (
    PASSWORD,
    AuthActions,
    assert_utc_timestamp,
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
    ("PUT", "account.change_own_password"): (
        "/me/password",
        {"current_password": PASSWORD, "new_password": PASSWORD},
        200,
    ),
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
