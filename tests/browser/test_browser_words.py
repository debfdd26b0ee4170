"""What the pages say to a shopkeeper: first steps, history in words."""

import re
import uuid

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, ready


def test_a_new_owner_is_told_the_account_exists_and_first_steps_lead_to_members(
    page, base_url
):
    username = f"n{uuid.uuid4().hex[:10]}"
    page.goto(base_url + "/app/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("status")).to_have_text(
        "Your account is created. Log in with it to start."
    )
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="First steps")).to_be_visible()
    expect(page.locator(".first-steps")).not_to_contain_text("POST")
    page.get_by_role("link", name="member list").click()
    expect(page.get_by_role("heading", name=re.compile("^Members of"))).to_be_visible()


def test_history_and_home_tell_changes_in_words(page, signed_in):
    kitchen = signed_in.post("/categories", {"name": "Kitchen"}).json()["category"]
    outdoor = signed_in.post("/categories", {"name": "Outdoor"}).json()["category"]
    item = signed_in.item("Lamp", category_id=kitchen["id"])
    signed_in.patch(f"/inventory/{item['id']}", {"category_id": outdoor["id"]})
    signed_in.post(f"/inventory/{item['id']}/stock", {"reason": "sale", "change": -3})
    page.reload()
    ready(page)
    latest = page.locator("section", has=page.locator("#changes-heading"))
    expect(latest).to_contain_text("sold 3 of Lamp")
    expect(latest).to_contain_text("category: Kitchen → Outdoor")
    expect(latest).not_to_contain_text("logged in")
    page.get_by_role("link", name="History", exact=True).click()
    page.get_by_label("Action").select_option(label="Stock movements")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"action_type=stock"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("sold 3 of Lamp")
    expect(page.locator("main")).not_to_contain_text("category_id")
