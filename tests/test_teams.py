"""Teams: personal teams and team CRUD: create, list, read, rename and delete.

A team owns an inventory; a membership gives a user a *team role* (admin or
staff) in it. These tests follow the contract in issue 12.
"""

from unittest.mock import ANY

import pytest

from tests.helpers import make_category, make_item, make_supplier
from tests.team_helpers import (
    add_member,
    create_team,
    current_team,
    in_team,
    item_names,
    sign_up,
    user_id,
)

# Registering and the current team


def test_registering_creates_a_personal_team_that_is_current(logged_in):
    teams = logged_in.get("/teams").get_json()["teams"]
    assert teams == [
        {
            "id": ANY,
            "name": "alice's inventory",
            "role": "admin",
            "current": True,
            "created_at": ANY,
        }
    ]
    assert current_team(logged_in) == {
        "id": teams[0]["id"],
        "name": "alice's inventory",
        "role": "admin",
    }


def test_me_shows_the_user_with_their_site_role_and_the_current_team(logged_in):
    body = logged_in.get("/me").get_json()
    assert body["status"] == "successful"
    assert set(body["user"]) >= {"id", "username", "email", "role", "created_at"}
    assert body["user"]["role"] == "staff"  # the site role: not the team's
    assert body["team"]["role"] == "admin"  # the team role in the personal team


def test_a_user_alone_sees_only_their_own_items_as_before(logged_in, bob):
    make_item(logged_in, item_name="Alice's hammer")
    make_item(bob, item_name="Bob's saw")
    assert item_names(logged_in) == ["Alice's hammer"]
    assert item_names(bob) == ["Bob's saw"]


# Creating, listing, renaming and deleting teams


def test_creating_a_team_makes_the_caller_its_admin_without_switching(logged_in):
    response = logged_in.post("/teams", json={"name": "Corner shop"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "successful"
    assert body["team"] == {
        "id": ANY,
        "name": "Corner shop",
        "role": "admin",
        "current": False,
        "created_at": ANY,
    }
    assert current_team(logged_in)["name"] == "alice's inventory"


def test_teams_are_listed_oldest_membership_first_with_the_current_one_marked(
    logged_in, bob
):
    bobs_team = create_team(bob, "Bob's bikes")
    create_team(logged_in, "Corner shop")
    add_member(bob, bobs_team["id"], "alice")
    teams = logged_in.get("/teams").get_json()["teams"]
    assert [(t["name"], t["role"], t["current"]) for t in teams] == [
        ("alice's inventory", "admin", True),
        ("Corner shop", "admin", False),
        ("Bob's bikes", "staff", False),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"name": ""},
        {"name": "   "},
        {"name": "x" * 101},
        {"name": "Corner\x00shop"},
        {"name": 5},
        {"name": None},
    ],
    ids=["missing", "empty", "blank", "too-long", "nul", "number", "null"],
)
def test_a_team_name_is_validated(logged_in, body):
    response = logged_in.post("/teams", json=body)
    assert response.status_code == 400
    payload = response.get_json()
    assert payload["status"] == "failed"
    assert "name" in [error["field"] for error in payload["errors"]]
    assert len(logged_in.get("/teams").get_json()["teams"]) == 1


def test_a_team_name_of_100_characters_is_accepted(logged_in):
    assert create_team(logged_in, "x" * 100)["name"] == "x" * 100


def test_unknown_fields_on_a_team_are_refused(logged_in):
    response = logged_in.post("/teams", json={"name": "Shop", "owner": "alice"})
    assert response.status_code == 400
    assert response.get_json()["status"] == "failed"


def test_a_member_reads_a_team_with_its_members(logged_in, bob, shop):
    response = bob.get(f"/teams/{shop['id']}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["team"]["name"] == "Corner shop"
    assert body["team"]["role"] == "staff"  # the caller's role, bob's
    alice_id, bob_id = user_id(logged_in), user_id(bob)
    assert sorted(body["members"], key=lambda m: m["username"]) == [
        {"user_id": alice_id, "username": "alice", "role": "admin", "joined_at": ANY},
        {"user_id": bob_id, "username": "bob", "role": "staff", "joined_at": ANY},
    ]


def test_a_non_member_cannot_read_a_team(app, shop):
    carol = sign_up(app, "carol")
    assert carol.get(f"/teams/{shop['id']}").status_code == 404
    assert carol.get("/teams/999999").status_code == 404


def test_a_team_admin_renames_the_team(logged_in, bob, shop):
    response = logged_in.patch(f"/teams/{shop['id']}", json={"name": "Big shop"})
    assert response.status_code == 200
    assert response.get_json()["team"]["name"] == "Big shop"
    assert bob.get(f"/teams/{shop['id']}").get_json()["team"]["name"] == "Big shop"


def test_renaming_validates_the_name(logged_in, shop):
    response = logged_in.patch(f"/teams/{shop['id']}", json={"name": " "})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "name"


def test_an_empty_team_can_be_deleted(logged_in):
    team = create_team(logged_in, "Pop-up stall")
    response = logged_in.delete(f"/teams/{team['id']}")
    assert response.status_code == 200
    assert response.get_json()["message"] == "Team deleted."
    names = [t["name"] for t in logged_in.get("/teams").get_json()["teams"]]
    assert names == ["alice's inventory"]
    assert logged_in.get(f"/teams/{team['id']}").status_code == 404


@pytest.mark.parametrize(
    "fill",
    [
        lambda client: make_item(client, item_name="Stock"),
        lambda client: make_category(client, "Tools"),
        lambda client: make_supplier(client, "Acme"),
        lambda client: client.post(
            f"/teams/{current_team(client)['id']}/members", json={"username": "bob"}
        ),
    ],
    ids=["an item", "a category", "a supplier", "another member"],
)
def test_a_team_with_something_in_it_cannot_be_deleted(logged_in, bob, fill):
    team = create_team(logged_in, "Corner shop")
    logged_in.post(f"/teams/{team['id']}/switch")
    fill(logged_in)
    response = logged_in.delete(f"/teams/{team['id']}")
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    assert response.get_json()["message"]  # says why
    assert logged_in.get(f"/teams/{team['id']}").status_code == 200


def test_the_callers_last_team_cannot_be_deleted(app):
    # Leave the personal team empty but make it the only one: nothing else to fall
    # back to, so deleting it would leave the user with no inventory at all.
    dave = sign_up(app, "dave")
    team_id = current_team(dave)["id"]
    response = dave.delete(f"/teams/{team_id}")
    assert response.status_code == 409
    assert current_team(dave)["id"] == team_id


def test_deleting_the_current_team_falls_back_to_the_first_remaining(logged_in):
    team = create_team(logged_in, "Pop-up stall")
    assert logged_in.post(f"/teams/{team['id']}/switch").status_code == 200
    assert logged_in.delete(f"/teams/{team['id']}").status_code == 200
    assert current_team(logged_in)["name"] == "alice's inventory"
    assert logged_in.get("/inventory").status_code == 200


def test_renaming_a_team_is_recorded_in_its_history(logged_in, shop):
    logged_in.patch(f"/teams/{shop['id']}", json={"name": "Big shop"})
    rows = logged_in.get(
        "/history?entity_type=team", headers=in_team(shop["id"])
    ).get_json()["history"]
    renames = [row for row in rows if row["action_type"] == "update"]
    assert [(row["entity_id"], row["username"]) for row in renames] == [
        (shop["id"], "alice")
    ]
    assert renames[0]["changes"] == {"name": ["Corner shop", "Big shop"]}


BEYOND_ANY_ID = "8165636397248286818304"  # more digits than any id column holds


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/teams/{id}", None),
        ("PATCH", "/teams/{id}", {"name": "Renamed"}),
        ("DELETE", "/teams/{id}", None),
        ("POST", "/teams/{id}/switch", None),
        ("POST", "/teams/{id}/members", {"username": "alice", "role": "staff"}),
        ("PATCH", "/teams/{id}/members/1", {"role": "staff"}),
        ("DELETE", "/teams/{id}/members/1", None),
    ],
)
def test_a_team_id_beyond_any_id_is_a_missing_team(logged_in, method, path, body):
    # Found by Schemathesis: the database refused to compare such a number
    # (SQLite: "Python int too large") and the answer was a 500.
    response = logged_in.open(path.format(id=BEYOND_ANY_ID), method=method, json=body)
    assert response.status_code == 404
    assert response.get_json()["message"] == "Team not found."
