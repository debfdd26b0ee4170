"""The catalog and the people pages: admins change them, staff only read them."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import Shop, axe_clean


def test_admin_creates_edits_and_deletes_a_category(page, shop):
    shop.sign_in(page)
    page.get_by_role("link", name="Categories").click()
    expect(page.get_by_text("No categories yet")).to_be_visible()
    page.get_by_role("button", name="New category").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Tools")
    dialog.get_by_label("Description").fill("Hand tools")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Tools")).to_be_visible()

    page.get_by_role("button", name="Edit Tools").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Hand tools")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Hand tools")).to_be_visible()
    axe_clean(page)

    page.get_by_role("button", name="Delete Hand tools").click()
    # Asked first, as deleting an item is.
    confirm = page.get_by_role("dialog", name="Delete Hand tools?")
    confirm.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_text("No categories yet")).to_be_visible()


def test_a_refused_delete_says_why(page, shop, page_problems):
    supplier = shop.post("/suppliers", {"name": "Acme"}).json()["supplier"]["id"]
    for name in ("Glue", "Tape", "Ink"):
        shop.item(name, supplier_id=supplier)
    page_problems.expect(409, f"/suppliers/{supplier}")
    shop.sign_in(page)
    page.get_by_role("link", name="Suppliers").click()
    page.get_by_role("button", name="Delete Acme").click()
    confirm = page.get_by_role("dialog", name="Delete Acme?")
    confirm.get_by_role("button", name="Delete", exact=True).click()
    expect(confirm.get_by_role("alert").filter(has_text="in use")).to_contain_text(
        "3 items use it"
    )
    # The supplier's name links to its items.
    confirm.get_by_role("button", name="Keep it").click()
    page.get_by_role("link", name="Acme").click()
    expect(page.locator("#items-table tbody tr")).to_have_count(3)


def test_staff_see_read_only_catalog_and_members(browser, shop):
    shop.post("/categories", {"name": "Tools"})
    staff = shop.add_staff()
    context = browser.new_context()
    page = context.new_page()
    staff.sign_in(page)
    with page.expect_navigation():
        page.get_by_label("Team").select_option(
            label=f"{shop.username}'s inventory (staff)"
        )
    page.get_by_role("link", name="Categories").click()
    expect(page.get_by_role("link", name="Tools")).to_be_visible()
    expect(page.get_by_role("button")).not_to_contain_text(["New category"])
    expect(page.get_by_role("button", name=re.compile("^(Edit|Delete)"))).to_have_count(
        0
    )
    page.get_by_role("link", name="Members").click()
    expect(page.get_by_role("cell", name=staff.username + " (you)")).to_be_visible()
    expect(page.get_by_role("button", name="Add a member")).to_have_count(0)
    expect(page.get_by_role("combobox", name=re.compile("^Role of"))).to_have_count(0)
    # Not a site admin: no Users page in the menu, and the page itself refuses.
    expect(page.get_by_role("link", name="Users")).to_have_count(0)
    axe_clean(page)
    context.close()


def test_admin_adds_a_member_and_changes_their_role(page, shop, base_url):
    newcomer = Shop(base_url)
    shop.sign_in(page)
    page.get_by_role("link", name="Members").click()
    page.get_by_role("button", name="Add a member").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Username").fill(newcomer.username)
    dialog.get_by_role("button", name="Add").click()
    row = page.get_by_role("row", name=re.compile(newcomer.username))
    expect(row.get_by_role("combobox")).to_have_value("staff")
    row.get_by_role("combobox").select_option("admin")
    with page.expect_navigation():  # saved: the page reloads from the server
        row.get_by_role("button", name=f"Save the role of {newcomer.username}").click()
    expect(
        page.get_by_role("row", name=re.compile(newcomer.username)).get_by_role(
            "combobox"
        )
    ).to_have_value("admin")
    members = shop.get(f"/teams/{shop.team_id}").json()["members"]
    assert {m["username"]: m["role"] for m in members}[newcomer.username] == "admin"
    axe_clean(page)


def test_the_users_page_is_for_site_admins_only(page, shop, page_problems):
    page_problems.expect(403, "/app/users")
    shop.sign_in(page)
    response = page.goto(shop.base_url + "/app/users")
    assert response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()


def test_a_site_admin_sees_the_users_and_changes_a_site_role(page, live_app, base_url):
    operator, other = Shop(base_url), Shop(base_url)
    with live_app.app_context():
        from domain.accounts import find_user_by_username
        from extensions import db

        find_user_by_username(operator.username).role = "admin"
        db.session.commit()
    operator.sign_in(page)
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Username").fill(other.username)
    page.get_by_role("button", name="Find").click()
    row = page.get_by_role("row", name=re.compile(other.username))
    row.get_by_role("combobox").select_option("admin")
    with page.expect_navigation():  # saved: the page reloads from the server
        row.get_by_role(
            "button", name=f"Save the site role of {other.username}"
        ).click()
    expect(
        page.get_by_role("row", name=re.compile(other.username)).get_by_role("combobox")
    ).to_have_value("admin")
    assert other.get("/me").json()["user"]["role"] == "admin"
    axe_clean(page)
