"""Dialogs, forms and the messages they give: what a person sees when saving.

Each test drives the real pages in Chromium against the live app and checks
both what the page says and what the API then holds.
"""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop, axe_clean, ready

WIDTHS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}


def look_at(page, name: str) -> None:
    """Screenshot the open dialog at both widths in both themes, to /tmp."""
    page.emulate_media(reduced_motion="reduce")
    for width, size in WIDTHS.items():
        page.set_viewport_size(size)
        for theme in ("light", "dark"):
            page.evaluate(
                "theme => document.documentElement.setAttribute('data-theme', theme)",
                theme,
            )
            page.wait_for_timeout(100)
            page.screenshot(path=f"/tmp/forms-{name}-{width}-{theme}.png")
    page.set_viewport_size(WIDTHS["desktop"])


def open_item(page, shop, item) -> None:
    page.goto(f"{shop.base_url}/app/items/{item['id']}")
    ready(page)


def record(page, reason: str, units: str):
    """Fill the movement dialog and send it; return the dialog."""
    page.get_by_role("button", name="Record movement").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What happened").select_option(reason)
    dialog.get_by_label(re.compile("^Units")).fill(units)
    dialog.get_by_role("button", name="Record").click()
    return dialog


def quantity(shop, item) -> int:
    return shop.get(f"/inventory/{item['id']}").json()["item"]["quantity"]


# --- A sale never waits on a version; a count does --------------------------


@pytest.mark.parametrize(
    "elsewhere",
    ["a price edit", "another till's sale"],
)
def test_a_sale_after_the_item_changed_elsewhere_is_recorded(
    page, signed_in, elsewhere
):
    shop = signed_in
    item = shop.item("Hammer", quantity=12)
    open_item(page, shop, item)
    # Another tab changes the item after this page was read.
    if elsewhere == "a price edit":
        assert shop.patch(f"/inventory/{item['id']}", {"price": 7.5}).ok
    else:
        sale = {"reason": "sale", "change": -2}
        assert shop.post(f"/inventory/{item['id']}/stock", sale).ok
    expected = 12 - 3 - (2 if elsewhere == "another till's sale" else 0)
    with page.expect_navigation():
        record(page, "sale", "3")
    expect(page.locator("dl.details dd").first).to_have_text(str(expected))
    assert quantity(shop, item) == expected
    # A delivery is a relative change too.
    assert shop.patch(f"/inventory/{item['id']}", {"price": 8}).ok
    with page.expect_navigation():
        record(page, "purchase", "10")
    assert quantity(shop, item) == expected + 10


def test_a_count_on_a_stale_page_is_explained_and_offers_a_reload(
    page, signed_in, page_problems
):
    shop = signed_in
    item = shop.item("Hammer", quantity=12)
    page_problems.expect(412, f"/inventory/{item['id']}/stock")
    open_item(page, shop, item)
    assert shop.post(
        f"/inventory/{item['id']}/stock", {"reason": "sale", "change": -2}
    ).ok
    dialog = record(page, "count", "5")
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("The stock changed after you opened this page")
    expect(alert).to_contain_text("not saved")
    expect(alert).not_to_contain_text("version")
    look_at(page, "stale-count")
    assert quantity(shop, item) == 10  # the count changed nothing
    with page.expect_navigation():
        alert.get_by_role("button", name="Reload the page").click()
    expect(page.locator("dl.details dd").first).to_have_text("10")
    with page.expect_navigation():
        record(page, "count", "5")
    assert quantity(shop, item) == 5


# --- A session that ended while the page was open ---------------------------


def log_in_again(page, shop) -> None:
    """Follow the dialog's link and log in on the page it opens."""
    page.get_by_role("button", name="Log in again").click()
    expect(page).to_have_url(re.compile(r"/app/login\?next="))
    page.get_by_label("Username").fill(shop.username)
    page.get_by_label("Password").fill(shop.credentials["password"])
    page.get_by_role("button", name="Log in").click()


def test_a_logout_in_another_tab_keeps_the_edit_and_returns_to_it(
    page, signed_in, page_problems
):
    shop = signed_in
    item = shop.item("Hammer")
    page_problems.expect(401, f"/inventory/{item['id']}")
    page_problems.expect(401, "/me")
    open_item(page, shop, item)
    page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("dialog", name="Edit Hammer")
    edit.get_by_label("Name").fill("Claw hammer")
    edit.get_by_label("Price", exact=True).fill("9.90")
    other_tab = page.context.new_page()
    other_tab.goto(shop.base_url + "/app/")
    ready(other_tab)
    other_tab.get_by_role("button", name=shop.username).click()
    other_tab.get_by_role("button", name="Log out").click()
    other_tab.wait_for_url(re.compile("/app/login"))
    other_tab.close()

    edit.get_by_role("button", name="Save").click()
    ended = page.get_by_role("dialog", name="Your session has ended")
    expect(ended).to_be_visible()
    expect(ended.get_by_role("button", name="Log in again")).to_have_attribute(
        "href", f"/app/login?next=%2Fapp%2Fitems%2F{item['id']}"
    )
    expect(page.get_by_text("Authentication required")).to_have_count(0)
    expect(page.get_by_text("POST /login")).to_have_count(0)
    look_at(page, "session-ended")
    axe_clean(page)
    # What was typed is still there, under the dialog and after logging in.
    ended.get_by_role("button", name="Stay on this page").click()
    expect(edit.get_by_label("Name")).to_have_value("Claw hammer")
    edit.get_by_role("button", name="Save").click()
    log_in_again(page, shop)
    expect(page).to_have_url(f"{shop.base_url}/app/items/{item['id']}")
    edit = page.get_by_role("dialog", name="Edit Hammer")
    expect(edit).to_be_visible()
    expect(edit.get_by_label("Name")).to_have_value("Claw hammer")
    expect(edit.get_by_label("Price", exact=True)).to_have_value("9.90")
    expect(edit.get_by_role("alert")).to_contain_text("what you typed is back")
    with page.expect_navigation():
        edit.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Claw hammer", level=1)).to_be_visible()
    saved = shop.get(f"/inventory/{item['id']}").json()["item"]
    assert (saved["item_name"], saved["price"]) == ("Claw hammer", 9.9)


def test_an_idle_session_that_expired_is_explained_not_refused(
    page, signed_in, page_problems
):
    shop = signed_in
    item = shop.item("Hammer", quantity=12)
    page_problems.expect(401, f"/inventory/{item['id']}/stock")
    page_problems.expect(401, "/me")
    open_item(page, shop, item)
    # The cookie outlived its 30 minutes: the browser no longer sends it.
    page.context.clear_cookies()
    dialog = record(page, "sale", "3")
    ended = page.get_by_role("dialog", name="Your session has ended")
    expect(ended).to_be_visible()
    expect(dialog.get_by_label(re.compile("^Units"))).to_have_value("3")
    expect(page.get_by_text("Authentication required")).to_have_count(0)
    assert quantity(shop, item) == 12
    log_in_again(page, shop)
    dialog = page.get_by_role("dialog", name="Record a stock movement")
    expect(dialog.get_by_label(re.compile("^Units"))).to_have_value("3")
    expect(dialog.get_by_label("What happened")).to_have_value("sale")
    with page.expect_navigation():
        dialog.get_by_role("button", name="Record").click()
    assert quantity(shop, item) == 9


# --- Tags and the description ------------------------------------------------


def test_tags_and_a_description_are_entered_when_creating_and_editing(page, signed_in):
    shop = signed_in
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("button", name="New item").click()
    dialog = page.get_by_role("dialog", name="New item")
    dialog.get_by_label("Name").fill("Watering can")
    dialog.get_by_label("Quantity").fill("4")
    dialog.get_by_label("Price", exact=True).fill("12.50")
    expect(dialog.get_by_text("Separate tags with commas")).to_be_visible()
    dialog.get_by_label("Tags").fill("garden, Summer")
    dialog.get_by_label("Description").fill("Ten litres.\nGreen.")
    look_at(page, "new-item")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Watering can", level=1)).to_be_visible()
    details = page.locator("dl.details")
    expect(details).to_contain_text("garden, summer")
    expect(details).to_contain_text("Ten litres.")
    item_id = int(page.url.rsplit("/", 1)[1])
    stored = shop.get(f"/inventory/{item_id}").json()["item"]
    assert stored["metadata"]["tags"] == ["garden", "summer"]
    assert stored["description"] == "Ten litres.\nGreen."

    # Metadata the page does not show is kept when the tags change.
    specs = {"metadata": {"tags": ["garden"], "specifications": {"litres": 10}}}
    assert shop.patch(f"/inventory/{item_id}", specs).ok
    page.reload()
    page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("dialog", name="Edit Watering can")
    expect(edit.get_by_label("Tags")).to_have_value("garden")
    expect(edit.get_by_label("Price", exact=True)).to_have_value("12.50")
    expect(edit.get_by_label("Description")).to_have_value("Ten litres.\nGreen.")
    edit.get_by_label("Tags").fill("garden, outdoor")
    edit.get_by_label("Description").fill("")
    look_at(page, "edit-item")
    with page.expect_navigation():
        edit.get_by_role("button", name="Save").click()
    expect(details).to_contain_text("garden, outdoor")
    stored = shop.get(f"/inventory/{item_id}").json()["item"]
    assert stored["metadata"]["tags"] == ["garden", "outdoor"]
    assert stored["metadata"]["specifications"] == {"litres": 10}
    assert stored["description"] is None


# --- Every change says it was done; deletions ask first ---------------------


def said(page, text: str) -> None:
    """The live region a screen reader announces says ``text``."""
    notice = page.get_by_role("status").filter(has_text=text)
    expect(notice).to_be_visible()
    expect(notice).to_have_attribute("aria-live", "polite")


def test_each_change_to_an_item_says_it_was_done(page, signed_in, tmp_path):
    shop = signed_in
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("button", name="New item").click()
    dialog = page.get_by_role("dialog", name="New item")
    dialog.get_by_label("Name").fill("Hammer")
    dialog.get_by_label("Quantity").fill("12")
    dialog.get_by_label("Price", exact=True).fill("5")
    dialog.get_by_role("button", name="Create").click()
    said(page, "Item created.")

    with page.expect_navigation():
        record(page, "sale", "3")
    said(page, "Recorded: sold 3. Hammer has 9 in stock now.")
    look_at(page, "notice")
    with page.expect_navigation():
        record(page, "purchase", "5")
    said(page, "Recorded: received 5. Hammer has 14 in stock now.")

    page.get_by_role("button", name="Edit").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Claw hammer")
    with page.expect_navigation():
        page.get_by_role("dialog").get_by_role("button", name="Save").click()
    said(page, "Changes saved.")
    # Only once: the next page says nothing more.
    page.reload()
    ready(page)
    page.wait_for_timeout(300)  # longer than a notice takes to appear
    expect(page.locator("#notice")).to_be_empty()

    page.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page).to_have_url(re.compile(r"/app/items$"))
    said(page, "Deleted Claw hammer.")

    csv = tmp_path / "items.csv"
    csv.write_text("item_name,quantity,price\r\nWidget,4,2.50\r\n")
    page.get_by_role("button", name="Import CSV").click()
    dialog = page.get_by_role("dialog", name="Import items from CSV")
    dialog.get_by_label("CSV file").set_input_files(str(csv))
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.get_by_role("status")).to_contain_text("1 to create")
    dialog.get_by_role("button", name="Apply").click()
    said(page, "Import applied: created 1 item")


def test_catalog_changes_say_so_and_a_delete_asks_first(page, signed_in):
    shop = signed_in
    page.goto(shop.base_url + "/app/suppliers")
    page.get_by_role("button", name="New supplier").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Acme")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    said(page, "Added the supplier.")
    page.get_by_role("button", name="Edit Acme").click()
    page.get_by_role("dialog").get_by_label("Phone").fill("+44 20 7946 0000")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    said(page, "Saved the supplier Acme.")

    page.get_by_role("button", name="Delete Acme").click()
    confirm = page.get_by_role("dialog", name="Delete Acme?")
    expect(confirm).to_contain_text("cannot be undone")
    # Enter on a confirmation that just opened keeps the supplier.
    expect(confirm.get_by_role("button", name="Keep it")).to_be_focused()
    look_at(page, "delete-supplier")
    confirm.get_by_role("button", name="Keep it").click()
    expect(confirm).to_be_hidden()
    assert shop.get("/suppliers").json()["pagination"]["total"] == 1
    page.get_by_role("button", name="Delete Acme").click()
    confirm.get_by_role("button", name="Delete", exact=True).click()
    said(page, "Deleted the supplier Acme.")
    axe_clean(page)  # the notice, in both themes
    assert shop.get("/suppliers").json()["pagination"]["total"] == 0

    page.goto(shop.base_url + "/app/categories")
    page.get_by_role("button", name="New category").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Tools")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    said(page, "Added the category.")
    page.get_by_role("button", name="Delete Tools").click()
    page.get_by_role("dialog", name="Delete Tools?").get_by_role(
        "button", name="Delete", exact=True
    ).click()
    said(page, "Deleted the category Tools.")


def test_member_changes_say_so_and_removing_asks_first(page, signed_in, base_url):
    shop = signed_in
    newcomer = Shop(base_url)
    page.goto(shop.base_url + "/app/members")
    page.get_by_role("button", name="Add a member").click()
    page.get_by_role("dialog").get_by_label("Username").fill(newcomer.username)
    page.get_by_role("dialog").get_by_role("button", name="Add").click()
    said(page, "Added to the team.")
    row = page.get_by_role("row", name=re.compile(newcomer.username))
    row.get_by_role("combobox").select_option("admin")
    with page.expect_navigation():
        row.get_by_role("button", name=f"Save the role of {newcomer.username}").click()
    said(page, f"Saved the role of {newcomer.username}.")

    page.get_by_role("button", name=f"Remove {newcomer.username}").click()
    confirm = page.get_by_role("dialog", name=re.compile(f"Remove {newcomer.username}"))
    expect(confirm).to_contain_text("They keep their account")
    look_at(page, "remove-member")
    confirm.get_by_role("button", name="Keep them").click()
    members = shop.get(f"/teams/{shop.team_id}").json()["members"]
    assert newcomer.username in {m["username"] for m in members}
    page.get_by_role("button", name=f"Remove {newcomer.username}").click()
    confirm.get_by_role("button", name="Remove", exact=True).click()
    said(page, f"Removed {newcomer.username} from the team.")
    members = shop.get(f"/teams/{shop.team_id}").json()["members"]
    assert newcomer.username not in {m["username"] for m in members}

    # Switching team is a change too: the new team's page says where you are.
    assert newcomer.post(
        f"/teams/{newcomer.team_id}/members", {"username": shop.username}
    ).ok
    page.reload()
    with page.expect_navigation():
        page.get_by_label("Team").select_option(
            label=f"{newcomer.username}'s inventory (staff)"
        )
    said(page, f"Now working in {newcomer.username}'s inventory (staff).")


# --- Field errors in plain words; a decimal comma in prices -----------------

API_WORDS = re.compile(r"String should|Input should|Validation failed|_id|cost_price")


def test_a_password_rule_is_shown_before_the_first_mistake(
    page, base_url, page_problems
):
    page_problems.expect(400, "/register")
    page.goto(base_url + "/app/register")
    ready(page)
    password = page.get_by_label("Password")
    rule = "At least 8 characters, with at least one letter and one digit."
    expect(page.get_by_text(rule)).to_be_visible()
    expect(password).to_have_accessible_description(re.compile(re.escape(rule)))
    look_at(page, "register")
    axe_clean(page)
    page.get_by_label("Username").fill(f"new{uuid.uuid4().hex[:8]}")
    page.get_by_label("Email").fill("shop@example.com")
    for typed, words in (
        ("short1", "Use at least 8 characters."),
        ("password", "Use at least one letter and one digit."),
    ):
        password.fill(typed)
        page.get_by_role("button", name="Create account").click()
        expect(page.locator("#register-password-error")).to_have_text(words)
        expect(password).to_have_attribute("aria-invalid", "true")
    expect(page.locator("main")).not_to_contain_text(API_WORDS)
    password.fill("password123")
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile("/app/login"))
    said(page, "Your account is created.")


def test_item_fields_explain_mistakes_and_take_a_decimal_comma(
    page, signed_in, page_problems
):
    shop = signed_in
    page_problems.expect(400, "/inventory")
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("button", name="New item").click()
    dialog = page.get_by_role("dialog", name="New item")
    dialog.get_by_label("Quantity").fill("-1")
    dialog.get_by_label("Price", exact=True).fill("2,50")
    dialog.get_by_label("Cost price").fill("1,000")  # a thousand, or one?
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_role("alert").first).to_have_text(
        "Not saved: check the fields marked below."
    )
    expect(dialog.locator("#new-item_name-error")).to_have_text("Fill this in.")
    expect(dialog.locator("#new-quantity-error")).to_have_text("Must be 0 or more.")
    expect(dialog.locator("#new-cost_price-error")).to_contain_text("2,50")
    expect(dialog.locator("#new-price-error")).to_be_empty()  # 2,50 is a price
    expect(dialog).not_to_contain_text(API_WORDS)
    look_at(page, "item-errors")
    assert shop.get("/inventory").json()["pagination"]["total"] == 0
    dialog.get_by_label("Name").fill("Seed tray")
    dialog.get_by_label("Quantity").fill("4")
    dialog.get_by_label("Cost price").fill("1,2")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Seed tray", level=1)).to_be_visible()
    item = shop.get("/inventory").json()["items"][0]
    assert (item["price"], item["cost_price"]) == (2.5, 1.2)

    page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("dialog", name="Edit Seed tray")
    edit.get_by_label("Price", exact=True).fill("3,75")
    with page.expect_navigation():
        edit.get_by_role("button", name="Save").click()
    assert shop.get(f"/inventory/{item['id']}").json()["item"]["price"] == 3.75


def test_an_error_naming_a_field_is_told_at_that_field(page, signed_in, page_problems):
    shop = signed_in
    tools = shop.post("/categories", {"name": "Tools"}).json()["category"]["id"]
    item = shop.item("Hammer")
    page_problems.expect(400, f"/inventory/{item['id']}")
    open_item(page, shop, item)
    page.get_by_role("button", name="Edit").click()
    edit = page.get_by_role("dialog", name="Edit Hammer")
    edit.get_by_label("Category").select_option(label="Tools")
    assert shop.api.delete(f"{shop.base_url}/categories/{tools}").ok  # meanwhile
    edit.get_by_role("button", name="Save").click()
    expect(edit.locator("#edit-category_id-error")).to_have_text(
        "That category no longer exists: reload the page to see the current list."
    )
    expect(edit.get_by_label("Category")).to_have_attribute("aria-invalid", "true")
    expect(edit).not_to_contain_text(re.compile(r"with id \d+"))


# --- The CSV import: mistakes at their rows, what an update changes ---------


def import_dialog(page, shop, csv_path):
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("button", name="Import CSV").click()
    dialog = page.get_by_role("dialog", name="Import items from CSV")
    dialog.get_by_label("CSV file").set_input_files(str(csv_path))
    dialog.get_by_role("button", name="Preview").click()
    return dialog


def test_a_refused_import_lists_each_bad_row_at_its_number(
    page, signed_in, tmp_path, page_problems
):
    shop = signed_in
    page_problems.expect(400, "/inventory/import")
    csv = tmp_path / "items.csv"
    csv.write_text(
        "sku,item_name,quantity,price\r\n"
        "W-1,Widget,4,2.50\r\n"
        "W-2,Gadget,lots,9.00\r\n"
        "W-3,,1,-1\r\n"
    )
    dialog = import_dialog(page, shop, csv)
    expect(dialog.get_by_role("alert")).to_contain_text(
        "2 rows have mistakes, listed below; nothing was changed"
    )
    rows = dialog.get_by_role("table", name="Rows to correct").locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("td").first).to_have_text("3")
    expect(rows.nth(0)).to_contain_text("Quantity: Must be a whole number")
    expect(rows.nth(1).locator("td").first).to_have_text("4")
    expect(rows.nth(1)).to_contain_text("Name: Fill this in.")
    expect(rows.nth(1)).to_contain_text("Price:")
    expect(dialog).not_to_contain_text(API_WORDS)
    expect(dialog.get_by_role("button", name="Apply")).to_be_disabled()
    look_at(page, "import-refused")
    axe_clean(page)
    assert shop.get("/inventory").json()["pagination"]["total"] == 0


def test_an_import_preview_says_what_an_update_changes(page, signed_in, tmp_path):
    shop = signed_in
    shop.post("/categories", {"name": "Garden"})
    shop.item("Widget", sku="W-1", quantity=8, price=1.5, metadata={"tags": ["old"]})
    shop.item("Gadget", sku="W-2", quantity=3, price=9)
    csv = tmp_path / "items.csv"
    csv.write_text(
        "sku,item_name,quantity,price,category,metadata\r\n"
        'W-1,Widget,20,2.25,Garden,"{""tags"": [""old"", ""new""]}"\r\n'
        'W-2,Gadget,3,9.00,,"{""tags"": []}"\r\n'
        'W-3,Sprocket,5,1.00,,"{}"\r\n'
    )
    dialog = import_dialog(page, shop, csv)
    expect(dialog.get_by_role("status")).to_contain_text(
        "1 to create, 1 to update, 1 unchanged"
    )
    rows = dialog.locator("tbody").first.locator("tr")
    expect(rows.nth(0)).to_contain_text("Update")
    expect(rows.nth(0)).to_contain_text(
        "Quantity 8 → 20; Price 1.50 → 2.25; Category none → Garden; Tags old → old, new"
    )
    expect(rows.nth(1)).to_contain_text("No change")
    expect(rows.nth(2)).to_contain_text("New item")
    look_at(page, "import-preview")
    assert shop.get("/inventory").json()["items"][0]["quantity"] in (8, 3)
    dialog.get_by_role("button", name="Apply").click()
    said(page, "Import applied")
    items = shop.get("/inventory").json()["items"]
    widget = next(item for item in items if item["sku"] == "W-1")
    assert (widget["quantity"], widget["price"]) == (20, 2.25)
