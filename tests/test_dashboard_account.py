"""The account page: password, teams to open or leave, a new team; the rename."""

from markupsafe import escape

from tests.team_helpers import add_member, create_team, current_team, sign_up


def test_the_account_page_needs_a_login_and_the_user_menu_links_to_it(
    client, logged_in
):
    assert 'href="/app/account"' in client.get("/app/").get_data(as_text=True)
    page = client.get("/app/account").get_data(as_text=True)
    assert 'data-method="PUT" data-url="/me/password"' in page
    assert 'name="current_password"' in page and 'name="new_password"' in page
    # The rule under it is app.js's, as on every new-password field: one hint.
    assert (
        'name="new_password" type="password" required autocomplete="new-password"'
        in page
    )
    assert "At least 8 characters" not in page
    logged_in.post("/logout")
    response = client.get("/app/account")
    assert response.status_code == 302
    assert response.location == "/app/login?next=/app/account"


def test_a_member_may_leave_but_a_teams_only_admin_is_told_why_not(app, logged_in):
    personal = current_team(logged_in)
    owner = sign_up(app, "owner")
    shop = create_team(owner, "Corner shop")
    add_member(owner, shop["id"], "alice", "clerk")
    page = logged_in.get("/app/account").get_data(as_text=True)
    me = logged_in.get("/me").get_json()["user"]["id"]
    assert f'data-url="/teams/{shop["id"]}/members/{me}"' in page
    assert f'aria-label="Leave {personal["name"]}"' not in page
    assert "You are its only admin, so you cannot leave it" in page
    assert f'data-url="/teams/{shop["id"]}/switch"' in page  # not the open one


def test_a_second_admin_may_leave(app, logged_in):
    owner = sign_up(app, "owner")
    shop = create_team(owner, "Corner shop")
    add_member(owner, shop["id"], "alice", "admin")
    page = logged_in.get("/app/account").get_data(as_text=True)
    assert 'aria-label="Leave Corner shop"' in page


def test_a_team_admin_may_rename_the_team_from_the_members_page(app, logged_in):
    team = current_team(logged_in)
    page = logged_in.get("/app/members").get_data(as_text=True)
    assert f'data-method="PATCH" data-url="/teams/{team["id"]}"' in page
    assert "Rename the team" in page
    staff = sign_up(app, "staffer")
    add_member(logged_in, team["id"], "staffer", "staff")
    staff.post(f"/teams/{team['id']}/switch")
    assert "Rename the team" not in staff.get("/app/members").get_data(as_text=True)


def test_a_removed_member_is_never_sent_to_a_team_switcher_that_is_not_there(
    app, logged_in
):
    personal = current_team(logged_in)
    owner = sign_up(app, "owner")
    shop = create_team(owner, "Corner shop")
    me = add_member(owner, shop["id"], "alice", "clerk")["user_id"]
    logged_in.post(f"/teams/{shop['id']}/switch")
    owner.delete(f"/teams/{shop['id']}/members/{me}")
    page = logged_in.get("/app/items")
    text = page.get_data(as_text=True)
    assert "team switcher" not in text and "Corner shop" not in text
    # Moved back to the team they are still in, on this very request.
    assert page.status_code == 200
    assert escape(personal["name"]) in text
    assert current_team(logged_in)["id"] == personal["id"]


def test_a_user_left_in_no_team_gets_a_team_of_their_own_on_the_next_page(
    app, logged_in
):
    with app.app_context():
        from extensions import db
        from models import Membership

        db.session.query(Membership).delete()
        db.session.commit()
    page = logged_in.get("/app/")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "team switcher" not in text and "You are not in a team" not in text
    assert "alice&#39;s inventory" in text
    assert current_team(logged_in)["name"] == "alice's inventory"
