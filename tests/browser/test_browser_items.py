"""Working with items in the browser: find, open, sell, edit, and the role rules."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, ready


def stocked_shop(shop):
    """Give ``shop`` a category, a supplier and three items."""
    tools = shop.post("/categories", {"name": "Tools"}).json()["category"]["id"]
    acme = shop.post("/suppliers", {"name": "Acme"}).json()["supplier"]["id"]
    hammer = shop.item("Hammer", quantity=12, reorder_level=3, category_id=tools)
    shop.item("Glue", quantity=1, reorder_level=4, supplier_id=acme)
    shop.item("Nails", quantity=200, category_id=tools)
    return hammer


def test_find_an_item_by_search_and_filter_and_keep_the_view(page, shop):
    stocked_shop(shop)
    shop.sign_in(page)
    page.get_by_role("link", name="Items", exact=True).click()
    expect(page.get_by_role("caption")).to_have_text("3 items")
    search = page.get_by_role("search")
    search.get_by_label("Search").fill("ham")
    search.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"q=ham"))
    rows = page.locator("#items-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Hammer")

    page.get_by_role("button", name="Clear").click()
    search.get_by_label("Category").select_option(label="Tools")
    search.get_by_label("Low stock only").check()
    search.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(0)
    expect(page.get_by_text("No items match these filters")).to_be_visible()

    search.get_by_label("Low stock only").uncheck()
    search.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(2)
    # Sort by quantity, highest first: the header says so, the URL keeps it.
    page.get_by_role("link", name="Quantity").click()
    page.get_by_role("link", name=re.compile("Quantity")).click()
    header = page.get_by_role("columnheader", name=re.compile("Quantity"))
    expect(header).to_have_attribute("aria-sort", "descending")
    expect(rows.first).to_contain_text("Nails")
    page.reload()  # a bookmark shows the same view
    expect(rows.first).to_contain_text("Nails")
    expect(search.get_by_label("Category")).to_have_value(re.compile(r"\d+"))
    export = page.get_by_role("button", name="Export this view as CSV")
    expect(export).to_have_attribute(
        "href", re.compile(r"category_id=\d+.*sort=-quantity")
    )
    axe_clean(page)


def test_paginate_the_items(page, shop):
    for number in range(3):
        shop.item(f"Box {number}")
    shop.sign_in(page)
    page.goto(shop.base_url + "/app/items?per_page=2&sort=item_name")
    rows = page.locator("#items-table tbody tr")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Box 2")


def test_record_a_sale_and_see_the_chart_and_history_change(page, shop):
    hammer = stocked_shop(shop)
    shop.sign_in(page)
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("link", name="Hammer").click()
    expect(page.get_by_role("heading", name="Hammer", level=1)).to_be_visible()
    # Created with 12: the ledger starts with that opening balance (issue 24).
    opening = page.get_by_role("table")
    expect(opening).to_contain_text("opening")
    expect(opening).to_contain_text("+12")

    page.get_by_role("button", name="Record movement").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What happened").select_option("sale")
    dialog.get_by_label(re.compile("^Units")).fill("5")
    with page.expect_navigation():  # recorded: the page reloads from the server
        dialog.get_by_role("button", name="Record").click()
    expect(page.locator("dl.details dd").first).to_have_text("7")
    ledger = page.get_by_role("table")
    expect(ledger).to_contain_text("sale")
    expect(ledger).to_contain_text("-5")
    expect(page.locator("figure.chart svg path.line")).to_have_count(1)
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("sold 5 of Hammer")
    assert shop.get(f"/inventory/{hammer['id']}").json()["item"]["quantity"] == 7
    axe_clean(page)


def test_selling_more_than_is_in_stock_is_explained(page, shop, page_problems):
    hammer = stocked_shop(shop)
    page_problems.expect(409, f"/inventory/{hammer['id']}/stock")
    shop.sign_in(page)
    page.goto(f"{shop.base_url}/app/items/{hammer['id']}")
    page.get_by_role("button", name="Record movement").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label(re.compile("^Units")).fill("99")
    dialog.get_by_role("button", name="Record").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Not saved")
    assert shop.get(f"/inventory/{hammer['id']}").json()["item"]["quantity"] == 12


def test_keyboard_only_movement(page, shop):
    hammer = stocked_shop(shop)
    shop.sign_in(page)
    page.goto(f"{shop.base_url}/app/items/{hammer['id']}")
    ready(page)
    opener = page.get_by_role("button", name="Record movement")
    opener.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("What happened")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    expect(page.get_by_role("table")).to_contain_text("-2")
    ready(page)
    # Escape closes a dialog and gives the focus back to its button.
    opener = page.get_by_role("button", name="Record movement")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(opener).to_be_focused()


def test_editing_a_stale_version_explains_the_conflict(page, shop, page_problems):
    hammer = stocked_shop(shop)
    page_problems.expect(412, f"/inventory/{hammer['id']}")
    shop.sign_in(page)
    page.goto(f"{shop.base_url}/app/items/{hammer['id']}")
    # Someone else changes the item after the page was opened.
    assert shop.patch(f"/inventory/{hammer['id']}", {"price": 7.5}).status_code == 200
    page.get_by_role("button", name="Edit").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Claw hammer")
    dialog.get_by_role("button", name="Save").click()
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Someone else changed this item")
    expect(alert).to_contain_text("Reload")
    assert (
        shop.get(f"/inventory/{hammer['id']}").json()["item"]["item_name"] == "Hammer"
    )
    page.reload()
    page.get_by_role("button", name="Edit").click()
    page.get_by_role("dialog").get_by_label("Name").fill("Claw hammer")
    page.get_by_role("dialog").get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Claw hammer", level=1)).to_be_visible()


def test_a_field_error_when_creating_is_shown_at_its_field(page, shop, page_problems):
    page_problems.expect(400, "/inventory")
    shop.sign_in(page)
    page.goto(shop.base_url + "/app/items")
    page.get_by_role("button", name="New item").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name").fill("Drill")
    dialog.get_by_label("Quantity").fill("-1")
    dialog.get_by_label("Price", exact=True).fill("49.90")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_label("Quantity")).to_have_attribute("aria-invalid", "true")
    dialog.get_by_label("Quantity").fill("4")
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Drill", level=1)).to_be_visible()
    axe_clean(page)


def test_import_shows_a_dry_run_preview_before_applying(page, shop, tmp_path):
    shop.sign_in(page)
    page.goto(shop.base_url + "/app/items")
    csv = tmp_path / "items.csv"
    csv.write_text("item_name,quantity,price\r\nWidget,4,2.50\r\nGadget,1,9.00\r\n")
    page.get_by_role("button", name="Import CSV").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("CSV file").set_input_files(str(csv))
    dialog.get_by_role("button", name="Preview").click()
    expect(dialog.get_by_role("status")).to_contain_text("2 to create")
    assert shop.get("/inventory").json()["pagination"]["total"] == 0  # nothing yet
    dialog.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("caption")).to_have_text("2 items")


def test_staff_see_no_control_they_cannot_use(browser, shop):
    hammer = stocked_shop(shop)
    staff = shop.add_staff()
    context = browser.new_context()
    page = context.new_page()
    staff.sign_in(page)  # into their own team: switch to the shop's
    with page.expect_navigation():
        page.get_by_label("Team").select_option(
            label=f"{shop.username}'s inventory (staff)"
        )
    expect(page.get_by_label("Team")).to_have_value(str(shop.team_id))
    page.goto(shop.base_url + "/app/items")
    expect(page.get_by_role("link", name="Hammer")).to_be_visible()
    expect(page.get_by_role("button", name="New item")).to_have_count(0)
    expect(page.get_by_role("button", name="Import CSV")).to_have_count(0)
    page.get_by_role("link", name="Hammer").click()
    # Staff are read-only: recording movements is for clerks and admins.
    expect(page.get_by_role("button", name="Record movement")).to_have_count(0)
    expect(page.get_by_role("button", name="Edit")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)
    # The API refuses anyway.
    answer = page.request.patch(
        f"{shop.base_url}/inventory/{hammer['id']}", data={"price": 1}
    )
    assert answer.status == 403
    context.close()


def test_alerts_group_low_stock_by_supplier_and_history_filters(page, shop):
    stocked_shop(shop)
    shop.sign_in(page)
    page.get_by_role("link", name="Alerts").click()
    acme = page.locator("section", has=page.get_by_role("heading", name="Acme"))
    expect(acme).to_contain_text("Glue")
    expect(page.get_by_role("button", name="Print the purchase list")).to_be_visible()
    axe_clean(page)

    page.get_by_role("link", name="History").click()
    page.get_by_label("Action").select_option("create")
    page.get_by_label("Of").select_option("category")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("created category Tools")
    expect(rows.first.locator("time")).to_have_attribute("title", re.compile("UTC"))
    page.get_by_label("By (username)").fill("nobody-at-all")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("No changes match")).to_be_visible()
    axe_clean(page)
