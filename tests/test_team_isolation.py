"""Isolation: nothing of one team is visible to, or changeable by, another.

alice and bob each have a personal team holding the same kinds of entries, with
the same names where names must be unique (only within a team).
"""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import make_category, make_item, make_supplier

SOON = (datetime.now(UTC).date() + timedelta(days=5)).isoformat()


def fill_team(client, owner: str) -> dict:
    """Give the caller's team a category, supplier, item and movement; return ids."""
    category = make_category(client, "Tools")["id"]
    supplier = make_supplier(client, "Acme")["id"]
    item = make_item(
        client,
        item_name=f"{owner} hammer",
        sku="A-1",
        quantity=1,
        reorder_level=5,
        expiry_date=SOON,
        category_id=category,
        supplier_id=supplier,
    )["id"]
    response = client.post(
        f"/inventory/{item}/stock", json={"reason": "purchase", "change": 1}
    )
    assert response.status_code == 200, response.get_json()
    return {"item": item, "category": category, "supplier": supplier}


@pytest.fixture
def teams(logged_in, other_client):
    """alice's and bob's teams, filled alike."""
    return {
        "alice": {"client": logged_in, "ids": fill_team(logged_in, "alice")},
        "bob": {"client": other_client, "ids": fill_team(other_client, "bob")},
    }


# (method, path, request keywords) of every route that takes an id.
ID_ROUTES = [
    ("get", "/inventory/{item}", {}),
    ("put", "/inventory/{item}", {"json": {"item_name": "Taken"}}),
    ("patch", "/inventory/{item}", {"json": {"quantity": 0}}),
    ("delete", "/inventory/{item}", {}),
    ("post", "/inventory/{item}/stock", {"json": {"reason": "sale", "change": -1}}),
    ("get", "/inventory/{item}/movements", {}),
    ("get", "/categories/{category}", {}),
    ("put", "/categories/{category}", {"json": {"name": "Taken"}}),
    ("patch", "/categories/{category}", {"json": {"description": "Taken"}}),
    ("delete", "/categories/{category}", {}),
    ("get", "/suppliers/{supplier}", {}),
    ("put", "/suppliers/{supplier}", {"json": {"name": "Taken"}}),
    ("patch", "/suppliers/{supplier}", {"json": {"phone": "+44 20 7946 0000"}}),
    ("delete", "/suppliers/{supplier}", {}),
]

MISSING = {"item": 999999, "category": 999999, "supplier": 999999}


@pytest.mark.parametrize(("method", "path", "kwargs"), ID_ROUTES)
def test_another_teams_id_answers_exactly_like_a_missing_one(
    teams, method, path, kwargs
):
    bob = teams["bob"]["client"]
    send = getattr(bob, method)
    foreign = send(path.format(**teams["alice"]["ids"]), **kwargs)
    missing = send(path.format(**MISSING), **kwargs)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.get_json()["message"] == missing.get_json()["message"]
    # Nothing of alice's changed.
    alice = teams["alice"]["client"]
    item = alice.get("/inventory/{item}".format(**teams["alice"]["ids"])).get_json()
    assert item["item"]["item_name"] == "alice hammer"
    assert item["item"]["quantity"] == 2


@pytest.mark.parametrize("field", ["category_id", "supplier_id"])
def test_another_teams_catalog_entry_cannot_be_used(teams, field):
    bob = teams["bob"]["client"]
    foreign_id = teams["alice"]["ids"][field.removesuffix("_id")]
    foreign = bob.post(
        "/inventory",
        json={"item_name": "X", "quantity": 1, "price": 1, field: foreign_id},
    )
    missing = bob.post(
        "/inventory", json={"item_name": "X", "quantity": 1, "price": 1, field: 999999}
    )
    assert foreign.status_code == missing.status_code
    assert foreign.status_code in (400, 404)
    assert foreign.get_json()["message"] == missing.get_json()["message"]


def names_in(path: str, body: dict) -> list[str]:
    """Return the names a list response shows, whatever its shape."""
    if path.startswith("/inventory/export.csv"):
        return [row["item_name"] for row in csv.DictReader(io.StringIO(body))]
    key = {"/alerts/low-stock": "alerts", "/history": "history"}.get(path.split("?")[0])
    if key == "alerts":
        return [alert["item_name"] for alert in body["alerts"]]
    if key == "history":
        return [row["entity_name"] for row in body["history"]]
    rows = body.get("items") or body.get("categories") or body.get("suppliers")
    return [row.get("item_name") or row["name"] for row in rows]


LISTS = [
    "/inventory",
    "/inventory?q=hammer",
    "/inventory?low_stock=true",
    "/inventory?expires_before=2999-01-01",
    "/inventory/export.csv",
    "/alerts/low-stock",
    "/alerts/expiring",
    "/categories",
    "/suppliers",
    "/history?entity_type=item",
    "/history?action_type=stock",
    "/history?actor=bob",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_shows_only_the_current_teams_entries(teams, path):
    response = teams["bob"]["client"].get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json() if response.is_json else response.get_data(as_text=True)
    names = names_in(path, body)
    assert names, "the list should show bob's own entries"
    assert not any("alice" in (name or "") for name in names)


def test_the_history_filters_do_not_reach_into_another_team(teams):
    bob = teams["bob"]["client"]
    alices_item = teams["alice"]["ids"]["item"]
    assert bob.get(f"/history?item_id={alices_item}").get_json()["history"] == []
    assert bob.get("/history?actor=alice").get_json()["history"] == []


def test_import_matches_skus_of_the_current_team_only(teams):
    bob = teams["bob"]["client"]
    text = "sku,item_name,quantity,price,category\nA-1,Bob's new name,4,3,Tools\nALICE-2,Fresh,1,1,\n"
    response = bob.post(
        "/inventory/import", data=text.encode(), content_type="text/csv"
    )
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["created"], body["updated"]) == (1, 1)
    items = {i["sku"]: i for i in bob.get("/inventory").get_json()["items"]}
    assert items["A-1"]["id"] == teams["bob"]["ids"]["item"]
    assert items["A-1"]["category_id"] == teams["bob"]["ids"]["category"]
    alice = teams["alice"]["client"]
    [alices] = alice.get("/inventory").get_json()["items"]
    assert (alices["item_name"], alices["quantity"]) == ("alice hammer", 2)


def test_names_are_unique_within_a_team_only(teams):
    # fill_team already gave both teams "Tools", "Acme" and SKU "A-1"; a second
    # one inside the same team is still refused.
    alice = teams["alice"]["client"]
    assert alice.post("/categories", json={"name": "tools"}).status_code == 409
    assert alice.post("/suppliers", json={"name": "ACME"}).status_code == 409
    response = alice.post(
        "/inventory", json={"item_name": "Y", "quantity": 1, "price": 1, "sku": "A-1"}
    )
    assert response.status_code == 409
