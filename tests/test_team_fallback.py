"""A session whose team is gone falls back to a team of the user's (issue 24).

bob works in alice's "Corner shop" (his session's current team) when he is
removed from it, or it is deleted: his next request acts on his first
remaining team, and GET /me never shows "team": null.
"""

import pytest

from tests.helpers import item_payload
from tests.team_helpers import add_member, create_team, in_team, sign_up, user_id


@pytest.fixture
def working_in_shop(logged_in, bob, shop):
    """bob's session is in alice's shop, with an item there."""
    assert bob.post(f"/teams/{shop['id']}/switch").status_code == 200
    created = logged_in.post(
        "/inventory",
        json=item_payload(item_name="Shop mug"),
        headers=in_team(shop["id"]),
    )
    assert created.status_code == 201
    return shop


def remove_bob(alice, bob, shop) -> None:
    response = alice.delete(f"/teams/{shop['id']}/members/{user_id(bob)}")
    assert response.status_code == 200


def test_me_after_removal_shows_the_personal_team(logged_in, bob, working_in_shop):
    remove_bob(logged_in, bob, working_in_shop)
    response = bob.get("/me")
    assert response.status_code == 200
    assert response.get_json()["team"] == {
        "id": response.get_json()["team"]["id"],
        "name": "bob's inventory",
        "role": "admin",
    }
    teams = bob.get("/teams").get_json()["teams"]
    assert [(t["name"], t["current"]) for t in teams] == [("bob's inventory", True)]


@pytest.mark.parametrize("path", ["/inventory", "/history", "/alerts/low-stock"])
def test_the_next_read_after_removal_acts_on_the_personal_team(
    logged_in, bob, working_in_shop, path
):
    remove_bob(logged_in, bob, working_in_shop)
    response = bob.get(path)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "successful"
    assert bob.get("/me").get_json()["team"]["name"] == "bob's inventory"
    names = [item["item_name"] for item in bob.get("/inventory").get_json()["items"]]
    assert "Shop mug" not in names


def test_a_write_after_removal_changes_nothing_in_the_old_team(
    logged_in, bob, working_in_shop
):
    remove_bob(logged_in, bob, working_in_shop)
    response = bob.post(
        "/inventory", json={"item_name": "Sneaky", "quantity": 1, "price": 1}
    )
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    shop_items = logged_in.get("/inventory", headers=in_team(working_in_shop["id"]))
    assert [i["item_name"] for i in shop_items.get_json()["items"]] == ["Shop mug"]
    # The session has moved: the retry lands in bob's own team.
    assert bob.get("/me").get_json()["team"]["name"] == "bob's inventory"


def test_a_deleted_team_falls_back_too(app, logged_in):
    team = create_team(logged_in, "Pop-up stall")
    assert logged_in.post(f"/teams/{team['id']}/switch").status_code == 200
    # Deleted in another tab: this session still names it.
    other_tab = app.test_client()
    other_tab.post("/login", json={"username": "alice", "password": "password123"})
    assert other_tab.delete(f"/teams/{team['id']}").status_code == 200
    assert logged_in.get("/me").get_json()["team"]["name"] == "alice's inventory"
    assert logged_in.get("/inventory").status_code == 200


def test_a_user_left_in_no_team_gets_a_new_personal_team(app, logged_in):
    # dave's only team is handed to alice, then dave leaves it and is removed
    # from the shop he works in: no team is left for him.
    dave = sign_up(app, "dave")
    daves = dave.get("/me").get_json()["team"]
    add_member(dave, daves["id"], "alice", "admin")
    assert (
        dave.delete(f"/teams/{daves['id']}/members/{user_id(dave)}").status_code == 200
    )
    assert dave.get("/teams").get_json()["teams"] == []
    response = dave.get("/me")
    assert response.status_code == 200
    team = response.get_json()["team"]
    assert (team["name"], team["role"]) == ("dave's inventory", "admin")
    assert team["id"] != daves["id"]
    assert [t["name"] for t in dave.get("/teams").get_json()["teams"]] == [
        "dave's inventory"
    ]
    assert dave.get("/inventory").status_code == 200


def test_a_team_named_in_x_team_id_does_not_fall_back(logged_in, bob, shop):
    remove_bob(logged_in, bob, shop)
    response = bob.get("/inventory", headers=in_team(shop["id"]))
    assert response.status_code == 404
    assert response.get_json()["message"] == "Team not found."
