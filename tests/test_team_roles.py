"""The team role matrix: who may call which route on a team's inventory.

alice is admin of her personal team, bob is staff in it (he names it with
X-Team-ID), cleo is its clerk, carol is in no team of alice's, and nobody is
logged in at all.
"""

from unittest.mock import ANY

import pytest

from tests.helpers import make_category, make_item, make_supplier
from tests.team_helpers import add_member, current_team, in_team, sign_up, user_id

CSV = {"data": b"sku,item_name,quantity,price\nNEW-1,Imported,1,2\n",
       "content_type": "text/csv"}  # fmt: skip

# (method, path, request keywords) of every read; {item} etc. are ids in ``team``.
READS = [
    ("get", "/inventory", {}),
    ("get", "/inventory/{item}", {}),
    ("get", "/inventory/{item}/movements", {}),
    ("get", "/inventory/export.csv", {}),
    ("get", "/alerts/low-stock", {}),
    ("get", "/alerts/expiring", {}),
    ("get", "/history", {}),
    ("get", "/categories", {}),
    ("get", "/categories/{category}", {}),
    ("get", "/suppliers", {}),
    ("get", "/suppliers/{supplier}", {}),
    ("get", "/teams/{team}", {}),
]

# (method, path, request keywords, the team admin's success status) of every write.
WRITES = [
    ("post", "/inventory", {"json": {"item_name": "New", "quantity": 1, "price": 2}},
     201),
    ("put", "/inventory/{item}", {"json": {"item_name": "Renamed"}}, 200),
    ("patch", "/inventory/{item}", {"json": {"quantity": 9}}, 200),
    ("delete", "/inventory/{item}", {}, 200),
    ("post", "/inventory/{item}/stock", {"json": {"reason": "purchase", "change": 3}},
     200),
    ("post", "/inventory/import", CSV, 200),
    ("post", "/categories", {"json": {"name": "New category"}}, 201),
    ("put", "/categories/{category}", {"json": {"name": "Renamed"}}, 200),
    ("patch", "/categories/{category}", {"json": {"description": "Changed"}}, 200),
    ("delete", "/categories/{category}", {}, 200),
    ("post", "/suppliers", {"json": {"name": "New supplier"}}, 201),
    ("put", "/suppliers/{supplier}", {"json": {"name": "Renamed"}}, 200),
    ("patch", "/suppliers/{supplier}", {"json": {"phone": "+44 20 7946 0000"}}, 200),
    ("delete", "/suppliers/{supplier}", {}, 200),
    ("patch", "/teams/{team}", {"json": {"name": "Renamed"}}, 200),
    ("post", "/teams/{team}/members", {"json": {"username": "dave"}}, 201),
    ("patch", "/teams/{team}/members/{erin}", {"json": {"role": "admin"}}, 200),
    ("delete", "/teams/{team}/members/{erin}", {}, 200),
]  # fmt: skip
# The writes a clerk may make too: stock movements, a count among them.
STOCK_WRITES = [
    ("post", "/inventory/{item}/stock", {"json": {"reason": "purchase", "change": 3}},
     200),
    ("post", "/inventory/{item}/stock", {"json": {"reason": "sale", "change": -1}},
     200),
    ("post", "/inventory/{item}/stock", {"json": {"reason": "return", "change": 1}},
     200),
    ("post", "/inventory/{item}/stock",
     {"json": {"reason": "adjustment", "change": -1, "note": "Broken"}}, 200),
    ("post", "/inventory/{item}/stock", {"json": {"reason": "count", "quantity": 4}},
     200),
]  # fmt: skip
ADMIN_WRITES = [write for write in WRITES if not write[1].endswith("/stock")]
NEEDS_ADMIN = "This needs the team admin role."
NEEDS_STOCK_ROLE = "Recording stock needs the clerk or admin team role."


def refused(message: str) -> dict:
    """Return the JSON envelope of a 403 with ``message``."""
    return {"status": "failed", "message": message, "errors": [], "timestamp": ANY}


@pytest.fixture
def team(app, logged_in):
    """alice's personal team with bob and erin as staff, one of each entry, and
    clients for every kind of caller."""
    team_id = current_team(logged_in)["id"]
    bob, erin = sign_up(app, "bob"), sign_up(app, "erin")
    sign_up(app, "dave")  # someone to add
    for name in ("bob", "erin"):
        add_member(logged_in, team_id, name)
    cleo = sign_up(app, "cleo")
    add_member(logged_in, team_id, "cleo", role="clerk")
    ids = {
        "team": team_id,
        "item": make_item(logged_in, sku="A-1", quantity=1, reorder_level=5)["id"],
        "category": make_category(logged_in, "Tools")["id"],
        "supplier": make_supplier(logged_in, "Acme")["id"],
        "erin": user_id(erin),
    }
    clients = {
        "anonymous": app.test_client(),
        "non-member": sign_up(app, "carol"),
        "staff": bob,
        "clerk": cleo,
        "admin": logged_in,
    }
    return {"ids": ids, "clients": clients}


def call(team, who, method, path, kwargs):
    """Call the route as ``who``; anyone but the admin names the team by header."""
    client = team["clients"][who]
    headers = {} if who == "admin" else in_team(team["ids"]["team"])
    return getattr(client, method)(
        path.format(**team["ids"]), headers=headers, **kwargs
    )


@pytest.mark.parametrize(("method", "path", "kwargs"), READS)
@pytest.mark.parametrize("who", ["anonymous", "non-member", "staff", "clerk", "admin"])
def test_reads_by_team_role(team, who, method, path, kwargs):
    response = call(team, who, method, path, kwargs)
    expected = {"anonymous": 401, "non-member": 404, "staff": 200, "clerk": 200,
                "admin": 200}  # fmt: skip
    assert response.status_code == expected[who], response.get_data(as_text=True)
    if who == "non-member":
        assert response.get_json()["message"] == "Team not found."


@pytest.mark.parametrize(("method", "path", "kwargs", "success"), WRITES)
@pytest.mark.parametrize("who", ["anonymous", "non-member", "staff", "admin"])
def test_writes_by_team_role(team, who, method, path, kwargs, success):
    response = call(team, who, method, path, kwargs)
    expected = {"anonymous": 401, "non-member": 404, "staff": 403, "admin": success}
    assert response.status_code == expected[who], response.get_json()
    if who == "staff":
        stock = path.endswith("/stock")
        assert response.get_json() == refused(
            NEEDS_STOCK_ROLE if stock else NEEDS_ADMIN
        )
    if who == "non-member":
        assert response.get_json()["message"] == "Team not found."


@pytest.mark.parametrize(("method", "path", "kwargs", "success"), ADMIN_WRITES)
def test_a_clerk_may_not_change_items_prices_catalog_imports_or_members(
    team, method, path, kwargs, success
):
    response = call(team, "clerk", method, path, kwargs)
    assert response.status_code == 403, response.get_json()
    assert response.get_json() == refused(NEEDS_ADMIN)


@pytest.mark.parametrize(("method", "path", "kwargs", "success"), STOCK_WRITES)
@pytest.mark.parametrize(("who", "expected"), [("staff", 403), ("clerk", 200)])
def test_a_clerk_records_every_kind_of_movement_and_staff_none(
    team, who, expected, method, path, kwargs, success
):
    response = call(team, who, method, path, kwargs)
    assert response.status_code == expected, response.get_json()
    body = response.get_json()
    if who == "staff":
        assert body == refused(NEEDS_STOCK_ROLE)
        return
    assert body["status"] == "successful"
    assert body["movement"]["reason"] == kwargs["json"]["reason"]
    assert body["movement"]["user_id"] == user_id(team["clients"]["clerk"])
    ledger = call(team, "clerk", "get", "/inventory/{item}/movements?verify=true", {})
    assert ledger.get_json()["verification"]["holds"] is True


def test_a_clerks_movement_is_in_the_history_under_their_name(team):
    moved = call(team, "clerk", *STOCK_WRITES[1][:3])
    assert moved.status_code == 200
    rows = call(team, "admin", "get", "/history?action_type=stock", {}).get_json()
    assert [row["username"] for row in rows["history"]] == ["cleo"]


def test_a_clerk_gets_the_same_stock_answers_as_an_admin(team):
    # 409 and 412 explain themselves to a clerk rather than saying 403.
    too_many = {"json": {"reason": "sale", "change": -50}}
    response = call(team, "clerk", "post", "/inventory/{item}/stock", too_many)
    assert response.status_code == 409
    assert response.get_json()["message"].startswith("Not enough stock")
    response = team["clients"]["clerk"].post(
        "/inventory/{item}/stock".format(**team["ids"]),
        headers={**in_team(team["ids"]["team"]), "If-Match": '"999"'},
        json={"reason": "count", "quantity": 2},
    )
    assert response.status_code == 412
    assert response.get_json()["current_version"] >= 1


def test_a_refused_staff_write_changes_nothing(team):
    item_path = "/inventory/{item}".format(**team["ids"])
    before = team["clients"]["admin"].get(item_path).get_json()["item"]
    for method, path, kwargs, _ in WRITES + STOCK_WRITES:
        call(team, "staff", method, path, kwargs)
    for method, path, kwargs, _ in ADMIN_WRITES:
        call(team, "clerk", method, path, kwargs)
    assert team["clients"]["admin"].get(item_path).get_json()["item"] == before
    history = team["clients"]["admin"].get("/history?per_page=100").get_json()
    assert {row["username"] for row in history["history"]} == {"alice"}


def test_staff_cannot_delete_the_team(team):
    response = call(team, "staff", "delete", "/teams/{team}", {})
    assert response.status_code == 403
    assert response.get_json()["message"] == "This needs the team admin role."


def test_a_staff_member_may_leave_but_not_remove_others(team):
    bob_id = user_id(team["clients"]["staff"])
    assert (
        call(team, "staff", "delete", "/teams/{team}/members/{erin}", {}).status_code
        == 403
    )
    assert call(team, "staff", "delete", f"/teams/{{team}}/members/{bob_id}", {}).status_code == 200  # fmt: skip


# The site role: the operator's audit view, not a key to every team.

SITE_ADMIN_ONLY = ["/users", "/users/1", "/inventory?all=true", "/history?all=true"]


@pytest.mark.parametrize("path", SITE_ADMIN_ONLY)
def test_a_team_admin_is_not_a_site_admin(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 403
    assert response.get_json()["message"] == "This needs the site admin role."


def test_the_site_admin_audits_every_team_with_its_name(admin, team):
    items = admin.get("/inventory?all=true").get_json()["items"]
    alices = next(item for item in items if item["sku"] == "A-1")
    assert alices["team"] == {"id": team["ids"]["team"], "name": "alice's inventory"}
    assert alices["owner"]["username"] == "alice"
    rows = admin.get("/history?all=true&per_page=100").get_json()["history"]
    assert {"id": team["ids"]["team"], "name": "alice's inventory"} in [
        row["team"] for row in rows
    ]


def test_the_site_role_grants_no_team_membership(admin, team):
    ids = team["ids"]
    response = admin.get("/inventory", headers=in_team(ids["team"]))
    assert response.status_code == 404
    assert response.get_json()["message"] == "Team not found."
    assert admin.get(f"/teams/{ids['team']}").status_code == 404
