"""Dialogs, forms and the messages they give: what a person sees when saving.

Each test drives the real pages in Chromium against the live app and checks
both what the page says and what the API then holds.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ready

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
