"""Team members: adding them, changing their roles, removing them, leaving."""

from unittest.mock import ANY

import pytest

from tests.helpers import item_payload
from tests.team_helpers import (
    create_team,
    current_team,
    in_team,
    members,
    sign_up,
    user_id,
)

# Members


def test_a_team_admin_adds_a_member_by_username_as_staff_by_default(logged_in, bob):
    team = create_team(logged_in, "Corner shop")
    response = logged_in.post(f"/teams/{team['id']}/members", json={"username": "bob"})
    assert response.status_code == 201
    assert response.get_json()["member"] == {
        "user_id": user_id(bob),
        "username": "bob",
        "role": "staff",
        "joined_at": ANY,
    }
    listed = {t["name"]: t for t in bob.get("/teams").get_json()["teams"]}
    assert (listed["Corner shop"]["role"], listed["Corner shop"]["current"]) == (
        "staff",
        False,
    )


def test_a_team_admin_adds_a_member_by_email_with_a_role(logged_in, bob):
    team = create_team(logged_in, "Corner shop")
    response = logged_in.post(
        f"/teams/{team['id']}/members",
        json={"email": "bob@example.com", "role": "admin"},
    )
    assert response.status_code == 201
    assert response.get_json()["member"]["role"] == "admin"
    assert members(logged_in, team["id"]) == {"alice": "admin", "bob": "admin"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"role": "staff"},
        {"username": "bob", "email": "bob@example.com"},
        {"username": "bob", "role": "owner"},
        {"username": "bob", "role": None},
        {"username": "bob", "team_id": 1},
    ],
    ids=["empty", "neither", "both", "bad-role", "null-role", "unknown-field"],
)
def test_adding_a_member_validates_the_body(logged_in, bob, body):
    team = create_team(logged_in, "Corner shop")
    response = logged_in.post(f"/teams/{team['id']}/members", json=body)
    assert response.status_code == 400
    assert response.get_json()["status"] == "failed"
    assert members(logged_in, team["id"]) == {"alice": "admin"}


@pytest.mark.parametrize(
    "body", [{"username": "nobody"}, {"email": "nobody@example.com"}]
)
def test_adding_an_unknown_user_is_404(logged_in, body):
    team = create_team(logged_in, "Corner shop")
    response = logged_in.post(f"/teams/{team['id']}/members", json=body)
    assert response.status_code == 404
    assert response.get_json()["message"] == "User not found."


def test_adding_someone_already_in_the_team_is_409(logged_in, shop):
    response = logged_in.post(
        f"/teams/{shop['id']}/members", json={"username": "bob", "role": "admin"}
    )
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    assert members(logged_in, shop["id"])["bob"] == "staff"


def test_a_team_admin_changes_a_members_role(logged_in, bob, shop):
    url = f"/teams/{shop['id']}/members/{user_id(bob)}"
    response = logged_in.patch(url, json={"role": "admin"})
    assert response.status_code == 200
    assert response.get_json()["member"]["role"] == "admin"
    # The new role takes effect at once: bob may now write in the shop.
    response = bob.post("/inventory", json=item_payload(), headers=in_team(shop["id"]))
    assert response.status_code == 201


@pytest.mark.parametrize("body", [{}, {"role": "owner"}, {"role": "admin", "x": 1}])
def test_a_role_change_validates_the_body(logged_in, bob, shop, body):
    url = f"/teams/{shop['id']}/members/{user_id(bob)}"
    assert logged_in.patch(url, json=body).status_code == 400


def test_changing_or_removing_a_non_member_is_404(app, logged_in, shop):
    carol_id = user_id(sign_up(app, "carol"))
    url = f"/teams/{shop['id']}/members/{carol_id}"
    assert logged_in.patch(url, json={"role": "admin"}).status_code == 404
    assert logged_in.delete(url).status_code == 404
    assert logged_in.delete(f"/teams/{shop['id']}/members/999999").status_code == 404


def test_a_team_admin_removes_a_member_who_then_loses_access(logged_in, bob, shop):
    response = logged_in.delete(f"/teams/{shop['id']}/members/{user_id(bob)}")
    assert response.status_code == 200
    assert members(logged_in, shop["id"]) == {"alice": "admin"}
    assert bob.get("/inventory", headers=in_team(shop["id"])).status_code == 404
    assert bob.get(f"/teams/{shop['id']}").status_code == 404


def test_a_member_may_leave(logged_in, bob, shop):
    response = bob.delete(f"/teams/{shop['id']}/members/{user_id(bob)}")
    assert response.status_code == 200
    assert [t["name"] for t in bob.get("/teams").get_json()["teams"]] == [
        "bob's inventory"
    ]
    assert members(logged_in, shop["id"]) == {"alice": "admin"}


def test_leaving_the_current_team_falls_back_to_the_first_remaining(bob, shop):
    bob.post(f"/teams/{shop['id']}/switch")
    assert bob.delete(f"/teams/{shop['id']}/members/{user_id(bob)}").status_code == 200
    assert current_team(bob)["name"] == "bob's inventory"
