"""Leaving a team as a clerk or staff member; the last admin stays (issue 24)."""

from unittest.mock import ANY

import pytest

from tests.team_helpers import (
    add_member,
    create_team,
    in_team,
    members,
    sign_up,
    user_id,
)

LAST_ADMIN = "A team needs at least one admin."


@pytest.fixture
def crew(app, logged_in, shop):
    """alice's shop with bob as staff, cleo as clerk and dan as staff."""
    cleo, dan = sign_up(app, "cleo"), sign_up(app, "dan")
    add_member(logged_in, shop["id"], "cleo", "clerk")
    add_member(logged_in, shop["id"], "dan", "staff")
    return {"cleo": cleo, "dan": dan}


@pytest.mark.parametrize("who", ["cleo", "dan"])
def test_a_clerk_or_staff_member_may_leave(logged_in, shop, crew, who):
    client = crew[who]
    assert client.post(f"/teams/{shop['id']}/switch").status_code == 200
    response = client.delete(f"/teams/{shop['id']}/members/{user_id(client)}")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "message": "You left the team.",
        "timestamp": ANY,
    }
    assert who not in members(logged_in, shop["id"])
    # Back in their own team at once, and the shop is no longer theirs.
    assert client.get("/me").get_json()["team"]["name"] == f"{who}'s inventory"
    assert client.get("/inventory", headers=in_team(shop["id"])).status_code == 404
    history = logged_in.get("/history?entity_type=member", headers=in_team(shop["id"]))
    left = history.get_json()["history"][0]
    assert (left["action_type"], left["entity_name"]) == ("leave", who)


@pytest.mark.parametrize("who", ["cleo", "dan"])
def test_a_clerk_or_staff_member_may_not_remove_rename_or_delete(
    logged_in, bob, shop, crew, who
):
    client = crew[who]
    team = f"/teams/{shop['id']}"
    for method, path, body in (
        ("delete", f"{team}/members/{user_id(bob)}", None),
        ("patch", f"{team}/members/{user_id(client)}", {"role": "admin"}),
        ("patch", team, {"name": "Mine now"}),
        ("delete", team, None),
    ):
        response = getattr(client, method)(path, json=body)
        assert response.status_code == 403, (method, path)
        assert response.get_json()["message"] == "This needs the team admin role."
    assert members(logged_in, shop["id"]) == {
        "alice": "admin",
        "bob": "staff",
        "cleo": "clerk",
        "dan": "staff",
    }
    assert logged_in.get(team).get_json()["team"]["name"] == "Corner shop"


def test_the_last_admin_cannot_leave_a_team_of_clerks(logged_in, shop, crew):
    response = logged_in.delete(f"/teams/{shop['id']}/members/{user_id(logged_in)}")
    assert response.status_code == 409
    assert response.get_json()["message"] == LAST_ADMIN
    assert members(logged_in, shop["id"])["alice"] == "admin"


def test_the_last_admin_cannot_make_themselves_a_clerk(logged_in, shop, crew):
    url = f"/teams/{shop['id']}/members/{user_id(logged_in)}"
    response = logged_in.patch(url, json={"role": "clerk"})
    assert response.status_code == 409
    assert response.get_json()["message"] == LAST_ADMIN


def test_a_clerk_made_admin_lets_the_owner_leave(logged_in, shop, crew):
    cleo = crew["cleo"]
    url = f"/teams/{shop['id']}/members/{user_id(cleo)}"
    assert logged_in.patch(url, json={"role": "admin"}).status_code == 200
    alice = f"/teams/{shop['id']}/members/{user_id(logged_in)}"
    assert logged_in.delete(alice).status_code == 200
    assert members(cleo, shop["id"])["cleo"] == "admin"
    # Now cleo is the last admin.
    response = cleo.delete(f"/teams/{shop['id']}/members/{user_id(cleo)}")
    assert response.status_code == 409


def test_a_clerk_creates_and_renames_a_team_of_their_own(crew):
    cleo = crew["cleo"]
    team = create_team(cleo, "Cleo's stall")
    assert team["role"] == "admin"
    response = cleo.patch(f"/teams/{team['id']}", json={"name": "Cleo's market"})
    assert response.status_code == 200
    assert response.get_json()["team"]["name"] == "Cleo's market"
    names = {t["name"]: t["role"] for t in cleo.get("/teams").get_json()["teams"]}
    assert names == {
        "cleo's inventory": "admin",
        "Corner shop": "clerk",
        "Cleo's market": "admin",
    }
