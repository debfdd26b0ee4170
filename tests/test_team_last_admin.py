"""Team members: a team always keeps at least one admin, even under races."""

import threading
from unittest.mock import ANY

from tests.helpers import live_login
from tests.team_helpers import members, user_id

LAST_ADMIN = "A team needs at least one admin."


# The last admin


def test_the_last_admin_cannot_be_demoted(logged_in, shop):
    url = f"/teams/{shop['id']}/members/{user_id(logged_in)}"
    response = logged_in.patch(url, json={"role": "staff"})
    assert response.status_code == 409
    assert response.get_json() == {
        "status": "failed",
        "message": LAST_ADMIN,
        "errors": [],
        "timestamp": ANY,
    }
    assert members(logged_in, shop["id"])["alice"] == "admin"


def test_the_last_admin_cannot_leave(logged_in, shop):
    response = logged_in.delete(f"/teams/{shop['id']}/members/{user_id(logged_in)}")
    assert response.status_code == 409
    assert response.get_json()["message"] == LAST_ADMIN
    assert members(logged_in, shop["id"])["alice"] == "admin"


def test_with_two_admins_one_may_step_down_or_be_removed(logged_in, bob, shop):
    bob_url = f"/teams/{shop['id']}/members/{user_id(bob)}"
    alice_url = f"/teams/{shop['id']}/members/{user_id(logged_in)}"
    logged_in.patch(bob_url, json={"role": "admin"})
    assert logged_in.patch(alice_url, json={"role": "staff"}).status_code == 200
    # bob is now the last admin: alice cannot demote him, and he cannot leave.
    assert bob.patch(alice_url, json={"role": "admin"}).status_code == 200
    assert bob.delete(alice_url).status_code == 200
    assert bob.delete(bob_url).status_code == 409
    assert members(bob, shop["id"]) == {"bob": "admin"}


def admins_on_a_live_server(live_server):
    """Return ann's and ben's sessions, both admins of "Corner shop", and its id."""
    ann = live_login(live_server, "ann")
    ben = live_login(live_server, "ben")
    response = ann.post(f"{live_server}/teams", json={"name": "Corner shop"})
    team_id = response.json()["team"]["id"]
    response = ann.post(
        f"{live_server}/teams/{team_id}/members",
        json={"username": "ben", "role": "admin"},
    )
    assert response.status_code == 201, response.json()
    ids = {
        name: session.get(f"{live_server}/me").json()["user"]["id"]
        for name, session in (("ann", ann), ("ben", ben))
    }
    return {"ann": ann, "ben": ben}, ids, team_id


def at_once(requests_by_actor: dict) -> dict:
    """Send each actor's request from its own thread at the same moment."""
    statuses = {}
    barrier = threading.Barrier(len(requests_by_actor))

    def send(actor, request):
        barrier.wait()
        statuses[actor] = request().status_code

    threads = [
        threading.Thread(target=send, args=item) for item in requests_by_actor.items()
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def team_admins(session, live_server, team_id) -> list[str]:
    """Return the usernames of the team's admins, read over HTTP."""
    body = session.get(f"{live_server}/teams/{team_id}").json()
    return [m["username"] for m in body["members"] if m["role"] == "admin"]


def test_two_admins_leaving_at_once_leave_exactly_one_admin(app, live_server):
    sessions, ids, team_id = admins_on_a_live_server(live_server)

    def leave(name):
        url = f"{live_server}/teams/{team_id}/members/{ids[name]}"
        return lambda: sessions[name].delete(url)

    statuses = at_once({"ann": leave("ann"), "ben": leave("ben")})

    # Leaving needs no admin role, so the loser always reaches the last-admin
    # rule: exactly one 409, whoever came first.
    assert sorted(statuses.values()) == [200, 409]
    stayed = next(name for name, status in statuses.items() if status == 409)
    assert team_admins(sessions[stayed], live_server, team_id) == [stayed]


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, live_server):
    sessions, ids, team_id = admins_on_a_live_server(live_server)

    def demote(actor, target):
        url = f"{live_server}/teams/{team_id}/members/{ids[target]}"
        return lambda: sessions[actor].patch(url, json={"role": "staff"})

    statuses = at_once({"ann": demote("ann", "ben"), "ben": demote("ben", "ann")})

    # The loser sees 409 if both passed the team-admin check together, or 403
    # if the winner's demotion landed before the loser's request was checked.
    # Never both 200: that would leave the team with no admin.
    assert sorted(statuses.values()) in ([200, 403], [200, 409])
    winner = next(name for name, status in statuses.items() if status == 200)
    assert team_admins(sessions[winner], live_server, team_id) == [winner]
