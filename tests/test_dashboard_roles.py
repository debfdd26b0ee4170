"""Which controls each team role is shown, and how the pages describe the roles.

The browser walk (tests/browser/test_browser_roles.py) checks every page as a
person sees it; these check the server-rendered text on every backend.
"""

import pytest

from field_types import TEAM_ROLE_DESCRIPTIONS, TEAM_ROLES
from tests.helpers import item_payload
from tests.team_helpers import add_member, current_team, sign_up


@pytest.fixture
def owner(app):
    """The owner of a shop with one item, logged in on a client of their own."""
    client = sign_up(app, "owner")
    client.post("/inventory", json=item_payload(item_name="Lamp"))
    return client


def member(app, owner, role: str):
    """Return a client logged in as a member of the owner's team with ``role``."""
    team_id = current_team(owner)["id"]
    client = sign_up(app, role + "1")
    add_member(owner, team_id, role + "1", role)
    assert client.post(f"/teams/{team_id}/switch").status_code == 200
    return client


def lamp_page(client) -> str:
    item_id = client.get("/inventory").get_json()["items"][0]["id"]
    response = client.get(f"/app/items/{item_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "moves_stock"), [("staff", False), ("clerk", True), ("admin", True)]
)
def test_record_movement_is_shown_only_to_roles_that_move_stock(
    app, owner, role, moves_stock
):
    page = lamp_page(member(app, owner, role))
    assert ("Record movement" in page) is moves_stock
    assert ('data-url="/inventory/' in page and "/stock" in page) is moves_stock


@pytest.mark.parametrize("role", ["staff", "clerk"])
def test_a_clerk_or_staff_sees_no_item_price_or_catalog_controls(app, owner, role):
    client = member(app, owner, role)
    page = lamp_page(client)
    assert ">Edit<" not in page and ">Delete<" not in page
    assert 'data-method="PATCH"' not in page
    items = client.get("/app/items").get_data(as_text=True)
    assert "New item" not in items and "Import CSV" not in items
    for path in ("/app/categories", "/app/suppliers", "/app/members"):
        text = client.get(path).get_data(as_text=True)
        for method in ("POST", "PATCH", "DELETE"):
            assert f'data-method="{method}"' not in text, (path, method)


def test_the_member_dialog_describes_each_role_in_its_one_line(owner):
    page = owner.get("/app/members").get_data(as_text=True)
    dialog = page.split('id="add-title"')[1].split("</dialog>")[0]
    for role in TEAM_ROLES:
        assert f'<option value="{role}">{role.capitalize()}</option>' in dialog
        assert TEAM_ROLE_DESCRIPTIONS[role] in dialog
    # Staff are read-only: the old line promised them stock movements.
    assert "records stock movements" not in page


def test_the_members_page_says_what_each_role_may_do_to_every_member(app, owner):
    page = member(app, owner, "staff").get("/app/members").get_data(as_text=True)
    for role in TEAM_ROLES:
        assert TEAM_ROLE_DESCRIPTIONS[role] in page
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert "Admin" in table and "Staff" in table
