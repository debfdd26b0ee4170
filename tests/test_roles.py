"""Roles: staff by default, admins via the CLI, admin-only routes, the last admin."""

import threading

import pytest
from sqlalchemy import func, select, update

from domain.accounts import LastAdminError, change_site_role, find_user_by_username
from extensions import db
from models import History, User
from tests.helpers import (
    PASSWORD,
    AuthActions,
    live_login,
    make_category,
    make_supplier,
)

# (method, path, body, success status) for every route that needs the site
# admin role. Paths use ids that exist in the data set up by ``world`` below.
SITE_ADMIN_ROUTES = [
    ("get", "/users", None, 200),
    ("get", "/users/2", None, 200),
    ("patch", "/users/2", {"role": "staff"}, 200),
    ("get", "/inventory?all=true", None, 200),
    ("get", "/history?all=true", None, 200),
]
# The catalog follows team roles instead (tests/test_team_roles.py): each
# user is the admin of their personal team's catalog, whatever their site role.
CATALOG_CHANGES = [
    ("post", "/categories", {"name": "New category"}, 201),
    ("put", "/categories/{category}", {"name": "Renamed"}, 200),
    ("patch", "/categories/{category}", {"description": "Changed"}, 200),
    ("delete", "/categories/{category}", None, 200),
    ("post", "/suppliers", {"name": "New supplier"}, 201),
    ("put", "/suppliers/{supplier}", {"name": "Renamed"}, 200),
    ("patch", "/suppliers/{supplier}", {"phone": "+44 20 7946 0000"}, 200),
    ("delete", "/suppliers/{supplier}", None, 200),
]


@pytest.fixture
def world(admin, logged_in):
    """A site admin (id 1) and a site staff user alice (id 2), each in a team of
    their own, with a category and a supplier in alice's."""
    return {
        "admin": admin,
        "staff": logged_in,
        "category": make_category(logged_in, "Tools")["id"],
        "supplier": make_supplier(logged_in, "Acme")["id"],
    }


@pytest.mark.parametrize(("method", "path", "body", "success"), SITE_ADMIN_ROUTES)
@pytest.mark.parametrize("who", ["anonymous", "staff", "admin"])
def test_site_admin_routes_by_site_role(app, world, who, method, path, body, success):
    client = app.test_client() if who == "anonymous" else world[who]
    response = getattr(client, method)(path, json=body)
    expected = {"anonymous": 401, "staff": 403, "admin": success}[who]
    assert response.status_code == expected, response.get_json()
    payload = response.get_json()
    assert payload["status"] == ("successful" if who == "admin" else "failed")
    if who == "staff":
        assert payload["message"] == "This needs the site admin role."


@pytest.mark.parametrize(("method", "path", "body", "success"), CATALOG_CHANGES)
def test_the_catalog_follows_the_team_role_not_the_site_role(
    world, method, path, body, success
):
    path = path.format(**world)
    # The site admin is not in alice's team: her entries do not exist for
    # them, and what they create goes to their own team.
    outsider = getattr(world["admin"], method)(path, json=body)
    assert outsider.status_code == (201 if method == "post" else 404)
    # alice, site staff, is the admin of her own team's catalog.
    response = getattr(world["staff"], method)(path, json=body)
    assert response.status_code == success, response.get_json()


def test_registration_always_makes_staff(auth, client):
    auth.register_and_login("alice")
    assert client.get("/me").get_json()["user"]["role"] == "staff"


def test_create_admin_prompts_for_the_password(app, auth):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "root", "root@example.com"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output  # hidden input
    assert auth.login("root").get_json()["user"]["role"] == "admin"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create-admin", "x", "root@example.com", "--password", PASSWORD], "username"),
        (["create-admin", "root", "nope", "--password", PASSWORD], "email"),
        (
            ["create-admin", "root", "root@example.com", "--password", "short"],
            "password",
        ),
        (
            ["create-admin", "alice", "new@example.com", "--password", PASSWORD],
            "already registered",
        ),
        (["set-role", "nobody", "admin"], "No user named nobody"),
        (["set-role", "alice", "owner"], "Invalid value"),
    ],
)
def test_cli_refuses_bad_input(app, auth, args, message):
    auth.register("alice")
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.role == "admin")) == 0


def test_set_role_promotes_and_records_history(app, auth, client):
    auth.register_and_login("alice")
    result = app.test_cli_runner().invoke(args=["set-role", "alice", "admin"])
    assert result.exit_code == 0
    assert client.get("/users").status_code == 200  # takes effect at once
    row = client.get("/history?entity_type=user&action_type=update").get_json()[
        "history"
    ][0]
    assert row["changes"] == {"role": ["staff", "admin"]}


def test_set_role_will_not_demote_the_last_admin(app, admin):
    result = app.test_cli_runner().invoke(args=["set-role", "boss", "staff"])
    assert result.exit_code != 0
    assert "last admin" in result.output
    assert admin.get("/users").status_code == 200


def test_list_users_is_paginated_searchable_and_hides_hashes(admin, app):
    for name in ("carol", "dave", "caroline"):
        AuthActions(app.test_client()).register(name)
    body = admin.get("/users?q=CAROL&per_page=1").get_json()
    assert [user["username"] for user in body["users"]] == ["carol"]
    assert body["pagination"]["total"] == 2
    assert all("password_hash" not in user for user in body["users"])
    assert admin.get("/users?q=example.com").get_json()["pagination"]["total"] == 4


def test_admin_changes_a_role_with_history(world):
    admin, staff = world["admin"], world["staff"]
    response = admin.patch("/users/2", json={"role": "admin"})
    assert response.status_code == 200
    assert response.get_json()["user"]["role"] == "admin"
    assert staff.get("/users").status_code == 200
    row = admin.get("/history?entity_type=user&action_type=update").get_json()[
        "history"
    ][0]
    assert (row["entity_id"], row["entity_name"], row["changes"]) == (
        2,
        "alice",
        {"role": ["staff", "admin"]},
    )


def test_the_last_admin_cannot_be_demoted(admin):
    response = admin.patch("/users/1", json={"role": "staff"})
    assert response.status_code == 409
    assert response.get_json()["message"] == "The last admin cannot be demoted."
    assert admin.get("/me").get_json()["user"]["role"] == "admin"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/users/2", {"role": "owner"}, 400),
        ("/users/2", {"role": None}, 400),
        ("/users/2", {"role": "admin", "username": "x"}, 400),
        ("/users/2", {}, 400),
        ("/users/999", {"role": "admin"}, 404),
    ],
)
def test_role_change_rejects_bad_requests(world, path, body, status):
    response = world["admin"].patch(path, json=body)
    assert response.status_code == status
    assert response.get_json()["status"] == "failed"


def test_two_admins_demoting_each_other_at_once_leave_one_admin(app, live_server):

    runner = app.test_cli_runner()
    for name in ("ann", "ben"):
        result = runner.invoke(
            args=["create-admin", name, f"{name}@example.com", "--password", PASSWORD]
        )
        assert result.exit_code == 0
    sessions = {
        name: live_login(live_server, name, register=False) for name in ("ann", "ben")
    }

    statuses = {}
    barrier = threading.Barrier(2)

    def demote(actor: str, target_id: int) -> None:
        barrier.wait()
        url = f"{live_server}/users/{target_id}"
        statuses[actor] = sessions[actor].patch(url, json={"role": "staff"}).status_code

    threads = [
        threading.Thread(target=demote, args=("ann", 2)),
        threading.Thread(target=demote, args=("ben", 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # The loser sees 409 if both passed the admin check together, or 403 if the
    # winner's demotion landed before the loser's request loaded its user.
    assert sorted(statuses.values()) in ([200, 403], [200, 409])
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.role == "admin")) == 1


def test_demotion_is_checked_by_the_database_not_a_stale_read(app):
    """Another request demotes ann after this one loaded its users."""
    runner = app.test_cli_runner()
    for name in ("ann", "ben"):
        runner.invoke(
            args=["create-admin", name, f"{name}@x.example", "--password", PASSWORD]
        )
    with app.app_context():
        ben = find_user_by_username("ben")
        find_user_by_username("ann")  # this session now believes both are admins
        with db.engine.begin() as other_request:
            other_request.execute(
                update(User).where(User.username == "ann").values(role="staff")
            )
        with pytest.raises(LastAdminError):
            change_site_role(ben, "staff")
        db.session.rollback()
        assert (
            db.session.scalar(select(User.role).where(User.username == "ben"))
            == "admin"
        )


def test_admin_cannot_change_another_users_item(world, make_item):
    item = make_item(world["staff"])
    admin = world["admin"]
    assert (
        admin.put(f"/inventory/{item['id']}", json={"quantity": 0}).status_code == 404
    )
    assert admin.delete(f"/inventory/{item['id']}").status_code == 404


def test_all_true_shows_everyones_rows_with_their_owner(world, make_item):
    make_item(world["staff"], item_name="Alices")
    make_item(world["admin"], item_name="Boss")
    items = world["admin"].get("/inventory?all=true").get_json()["items"]
    assert {(i["item_name"], i["owner"]["username"]) for i in items} == {
        ("Alices", "alice"),
        ("Boss", "boss"),
    }
    rows = world["admin"].get("/history?all=true&action_type=create&entity_type=item")
    owners = {row["owner"]["username"] for row in rows.get_json()["history"]}
    assert owners == {"alice", "boss"}
    # Without all=true an admin sees only their own.
    assert [
        i["item_name"] for i in world["admin"].get("/inventory").get_json()["items"]
    ] == ["Boss"]


def test_all_true_names_each_owner_by_id_and_username(world, make_item):
    make_item(world["staff"], item_name="Alices")
    body = world["admin"].get("/inventory?all=true&q=alices").get_json()
    assert [item["owner"] for item in body["items"]] == [{"id": 2, "username": "alice"}]
    assert body["pagination"] == {"page": 1, "per_page": 50, "total": 1, "pages": 1}


def test_catalog_changes_are_attributed_to_the_team_admin_who_made_them(app, world):
    team = world["staff"].get("/me").get_json()["team"]["id"]
    with app.app_context():
        rows = db.session.execute(
            select(History.user_id, History.team_id).where(
                History.entity_type.in_(("category", "supplier"))
            )
        ).all()
    assert set(rows) == {(2, team)}
