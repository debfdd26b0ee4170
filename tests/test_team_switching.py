"""Teams: switching the current team, and naming one per request with X-Team-ID."""

from unittest.mock import ANY

import pytest

from tests.helpers import AuthActions, item_payload, make_item
from tests.team_helpers import create_team, current_team, in_team, item_names, sign_up

# Switching the current team and naming one per request


def test_switching_changes_what_every_path_acts_on(logged_in, bob, shop):
    make_item(logged_in, item_name="Personal thing")
    response = bob.post(f"/teams/{shop['id']}/switch")
    assert response.status_code == 200
    assert response.get_json()["team"] == {
        "id": shop["id"],
        "name": "Corner shop",
        "role": "staff",
        "current": True,
        "created_at": ANY,
    }
    assert current_team(bob) == {
        "id": shop["id"],
        "name": "Corner shop",
        "role": "staff",
    }
    logged_in.post(f"/teams/{shop['id']}/switch")
    make_item(logged_in, item_name="Shop counter")
    assert item_names(bob) == ["Shop counter"]
    assert item_names(logged_in) == ["Shop counter"]
    flags = {t["name"]: t["current"] for t in bob.get("/teams").get_json()["teams"]}
    assert flags == {"bob's inventory": False, "Corner shop": True}


def test_switching_back_shows_the_personal_inventory_again(logged_in, shop):
    make_item(logged_in, item_name="Personal thing")
    logged_in.post(f"/teams/{shop['id']}/switch")
    assert item_names(logged_in) == []
    personal = logged_in.get("/teams").get_json()["teams"][0]
    logged_in.post(f"/teams/{personal['id']}/switch")
    assert item_names(logged_in) == ["Personal thing"]


@pytest.mark.parametrize("team_id", ["other", "999999"])
def test_switching_to_a_team_one_is_not_in_is_404(app, logged_in, team_id):
    if team_id == "other":
        team_id = create_team(sign_up(app, "carol"), "Carol's cafe")["id"]
    before = current_team(logged_in)
    response = logged_in.post(f"/teams/{team_id}/switch")
    assert response.status_code == 404
    assert current_team(logged_in) == before


def test_logging_in_again_starts_in_the_personal_team(logged_in, shop):
    logged_in.post(f"/teams/{shop['id']}/switch")
    auth = AuthActions(logged_in)
    auth.logout()
    auth.login("alice")
    assert current_team(logged_in)["name"] == "alice's inventory"


def test_x_team_id_names_the_team_for_one_request_only(logged_in, bob, shop):
    make_item(logged_in, item_name="Personal thing")
    response = logged_in.post(
        "/inventory",
        json=item_payload(item_name="Shop counter"),
        headers=in_team(shop["id"]),
    )
    assert response.status_code == 201
    assert item_names(logged_in, in_team(shop["id"])) == ["Shop counter"]
    assert item_names(bob, in_team(shop["id"])) == ["Shop counter"]
    # The session's current team is untouched.
    assert item_names(logged_in) == ["Personal thing"]
    assert current_team(logged_in)["name"] == "alice's inventory"
    assert item_names(bob) == []


@pytest.mark.parametrize("header", ["other", "999999", "abc", "1.5"])
def test_x_team_id_for_a_team_one_is_not_in_is_404(app, logged_in, header):
    if header == "other":
        header = str(create_team(sign_up(app, "carol"), "Carol's cafe")["id"])
    response = logged_in.get("/inventory", headers={"X-Team-ID": header})
    assert response.status_code == 404
    assert response.get_json() == {
        "status": "failed",
        "message": "Team not found.",
        "errors": [],
        "timestamp": ANY,
    }


def test_an_empty_x_team_id_names_no_team(logged_in, make_item):
    make_item(logged_in, item_name="Personal thing")
    assert item_names(logged_in, {"X-Team-ID": ""}) == ["Personal thing"]


def test_outside_the_team_a_write_with_references_is_404_not_400(app, logged_in):
    other = str(create_team(sign_up(app, "carol"), "Carol's cafe")["id"])
    response = logged_in.post(
        "/inventory",
        json=item_payload(category_id=1, supplier_id=1),
        headers={"X-Team-ID": other},
    )
    assert response.status_code == 404
    assert response.get_json()["message"] == "Team not found."


def test_idempotency_keys_are_kept_per_team(logged_in, shop):
    key = {"Idempotency-Key": "stock-take-1"}
    personal = logged_in.post("/inventory", json=item_payload(), headers=key)
    in_shop = logged_in.post(
        "/inventory", json=item_payload(), headers=key | in_team(shop["id"])
    )
    assert (personal.status_code, in_shop.status_code) == (201, 201)
    assert personal.get_json()["item_id"] != in_shop.get_json()["item_id"]
    assert item_names(logged_in) == ["Laptop"]
    assert item_names(logged_in, in_team(shop["id"])) == ["Laptop"]
