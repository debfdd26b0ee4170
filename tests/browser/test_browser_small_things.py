"""Small things a shopkeeper sees: the stock chart, prices, "out" and the breadcrumb."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop
from tests.browser.layout_shop import DESKTOP, PHONE, SHOTS, build_full_shop, open_as


@pytest.fixture(scope="module")
def full_shop(base_url, live_app) -> Shop:
    """A site admin's shop with long names, low and out-of-stock items, history."""
    return build_full_shop(base_url, live_app)


def chart_labels(page) -> list[dict]:
    """Each label of the stock chart: its text, drawn font size and box."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll(".chart svg text"), (t) => {
          const svg = t.ownerSVGElement;
          const scale = svg.getScreenCTM().a;
          const box = t.getBoundingClientRect();
          return {text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize) * scale,
                  left: box.left, right: box.right, top: box.top, bottom: box.bottom,
                  inside: box.left >= svg.getBoundingClientRect().left - 1
                    && box.right <= svg.getBoundingClientRect().right + 1};
        })"""
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_stock_chart_labels_are_readable_and_mark_the_reorder_level(
    browser, full_shop, viewport
):
    page = open_as(browser, full_shop, viewport)
    page.goto(f"{full_shop.base_url}/app/items/{full_shop.hose_id}")
    chart = page.locator(".chart svg")
    expect(chart.locator("text", has_text="reorder level 12")).to_be_visible()
    for theme in ("light", "dark"):
        page.evaluate(
            "t => document.documentElement.setAttribute('data-theme', t)", theme
        )
        chart.screenshot(path=f"{SHOTS}/chart-{viewport['width']}-{theme}.png")
    labels = chart_labels(page)
    assert len(labels) == 5
    for label in labels:
        assert label["size"] >= 11, label
        assert label["inside"], label
    for index, one in enumerate(labels):
        for other in labels[index + 1 :]:
            apart = (
                one["right"] <= other["left"]
                or other["right"] <= one["left"]
                or one["bottom"] <= other["top"]
                or other["bottom"] <= one["top"]
            )
            assert apart, (one, other)
    page.context.close()


def test_the_item_page_shows_prices_and_stock_as_a_shopkeeper_reads_them(
    browser, full_shop
):
    page = open_as(browser, full_shop, PHONE)
    glue = full_shop.get("/inventory?q=Glue").json()["items"][0]
    page.goto(f"{full_shop.base_url}/app/items/{glue['id']}")
    details = page.locator("dl.details")
    expect(details).to_contain_text("3.00")
    expect(details).to_contain_text("0 out of stock")
    expect(details).not_to_contain_text("low stock")
    expect(details).to_contain_text("Last changed")
    expect(page.locator("main")).not_to_contain_text("Version")
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_label("Price", exact=True)).to_have_value("3.00")
    # The breadcrumb separates its steps.
    crumb = page.get_by_role("navigation", name="Breadcrumb").locator("li").first
    separator = crumb.evaluate("li => getComputedStyle(li, '::after').content")
    assert "\N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK}" in separator
    page.context.close()


def test_the_items_list_says_out_for_an_item_out_of_stock(browser, full_shop):
    page = open_as(browser, full_shop, DESKTOP)
    page.goto(full_shop.base_url + "/app/items")
    glue = page.get_by_role("row", name=re.compile("Glue"))
    expect(glue.get_by_role("cell").nth(1)).to_have_text("0 out")
    expect(glue.get_by_role("cell").nth(2)).to_have_text("3.00")
    hose = page.get_by_role("row", name=re.compile("hose connector"))
    expect(hose.get_by_role("cell").nth(1)).to_have_text("2 low")
    page.context.close()


def test_a_suppliers_phone_and_buttons_each_keep_to_one_line(browser, full_shop):
    page = open_as(browser, full_shop, DESKTOP)
    page.goto(full_shop.base_url + "/app/suppliers")
    row = page.get_by_role("row", name=re.compile("Northern Hardware"))
    phone = row.get_by_role("cell", name="+44 20 7946 0958")
    lines = phone.evaluate(
        """cell => { const range = document.createRange(); range.selectNodeContents(cell);
          return new Set(Array.from(range.getClientRects(), r => Math.round(r.top))).size; }"""
    )
    assert lines == 1
    edit = row.get_by_role("button", name=re.compile("^Edit")).bounding_box()
    delete = row.get_by_role("button", name=re.compile("^Delete")).bounding_box()
    assert abs(edit["y"] - delete["y"]) < 2  # side by side, not stacked
    page.context.close()
