"""Helpers for the teams tests: sign people up, make teams, add members.

Everything goes through the API, as a shop owner's script would, so the
tests exercise the same paths as real clients.
"""

from tests.helpers import AuthActions


def sign_up(app, username: str):
    """Return a new test client, registered and logged in as ``username``."""
    client = app.test_client()
    AuthActions(client).register_and_login(username)
    return client


def in_team(team_id: int | str) -> dict[str, str]:
    """Return the headers that name ``team_id`` for one request."""
    return {"X-Team-ID": str(team_id)}


def current_team(client) -> dict:
    """Return the team ``client``'s session currently acts on, as /me shows it."""
    response = client.get("/me")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["team"]


def user_id(client) -> int:
    """Return the id of the user ``client`` is logged in as."""
    return client.get("/me").get_json()["user"]["id"]


def create_team(client, name: str = "Corner shop") -> dict:
    """Create a team through the API as ``client`` (its admin) and return it."""
    response = client.post("/teams", json={"name": name})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["team"]


def add_member(admin, team_id: int, username: str, role: str = "staff") -> dict:
    """Add ``username`` to the team as ``admin`` with ``role``; return the member."""
    response = admin.post(
        f"/teams/{team_id}/members", json={"username": username, "role": role}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()["member"]


def members(client, team_id: int) -> dict[str, str]:
    """Return the team's members as {username: team role}."""
    response = client.get(f"/teams/{team_id}")
    assert response.status_code == 200, response.get_json()
    return {m["username"]: m["role"] for m in response.get_json()["members"]}


def item_names(client, headers: dict | None = None) -> list[str]:
    """Return the names on the first page of the current team's items."""
    response = client.get("/inventory", headers=headers)
    assert response.status_code == 200, response.get_json()
    return [item["item_name"] for item in response.get_json()["items"]]
