"""The pages at a phone's width (390 px) and at a desktop's (1280 px)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop, axe_clean, ready
from tests.browser.layout_shop import (
    DESKTOP,
    PHONE,
    build_full_shop,
    dashboard_paths,
    open_as,
    screenshot,
)


@pytest.fixture(scope="module")
def full_shop(base_url, live_app) -> Shop:
    """A site admin's shop with long names, low and out-of-stock items, history."""
    return build_full_shop(base_url, live_app)


def sideways_overflow(page) -> dict:
    """Say how far the page scrolls sideways, and which boxes in it scroll or spill."""
    return page.evaluate(
        """() => {
          const found = {page: document.documentElement.scrollWidth - window.innerWidth};
          // Boxes that clip on purpose (visually hidden text) hold what they clip.
          const clips = (el) => ["hidden", "clip"].includes(getComputedStyle(el).overflowX);
          for (const el of document.querySelectorAll("main *")) {
            if (!el.clientWidth || el.closest("dialog:not([open])")) continue;
            let inside = el;
            while (inside && !clips(inside)) inside = inside.parentElement;
            if (inside) continue;
            if (el.scrollWidth > el.clientWidth + 1) {
              found[el.tagName + "." + el.className] = el.scrollWidth - el.clientWidth;
            }
          }
          return found;
        }"""
    )


def broken_numbers(page) -> list[str]:
    """List the numbers on the page that are drawn over more than one line."""
    return page.evaluate(
        r"""() => {
          const broken = [];
          const walker = document.createTreeWalker(
            document.querySelector("main"), NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            // A number on its own, not the digits inside a code like a SKU.
            const numbers = /(?<![\w.,-])[+-]?\d(?:[\d,.]*\d)?(?![\w-])/g;
            for (const match of node.data.matchAll(numbers)) {
              const range = document.createRange();
              range.setStart(node, match.index);
              range.setEnd(node, match.index + match[0].length);
              const tops = new Set(
                Array.from(range.getClientRects(), (r) => Math.round(r.top)));
              if (tops.size > 1) broken.push(match[0]);
            }
          }
          return broken;
        }"""
    )


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_no_page_scrolls_sideways(browser, full_shop, viewport, theme):
    page = open_as(browser, full_shop, viewport, theme)
    size = viewport["width"]
    for path in dashboard_paths(full_shop):
        page.goto(full_shop.base_url + path)
        ready(page)
        screenshot(page, f"{size}-{theme}{path.replace('/', '-')}")
        assert sideways_overflow(page) == {"page": 0}, path
        assert broken_numbers(page) == [], path
    page.context.close()
    anonymous = open_as(browser, None, viewport, theme)
    for path in ("/app/login", "/app/register"):
        anonymous.goto(full_shop.base_url + path)
        ready(anonymous)
        screenshot(anonymous, f"{size}-{theme}{path.replace('/', '-')}")
        assert sideways_overflow(anonymous) == {"page": 0}, path
    anonymous.context.close()


def test_the_navigation_is_a_menu_button_on_a_phone(browser, full_shop):
    page = open_as(browser, full_shop, PHONE)
    menu = page.get_by_role("button", name="Menu")
    items = page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Items"
    )
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(items).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(items).to_be_visible()
    screenshot(page, "phone-menu-open")
    page.keyboard.press("Escape")
    expect(items).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(items).to_be_focused()  # after Home, in reading order
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/app/items$"))
    page.context.close()


def test_phone_pages_are_accessible_in_both_themes(browser, full_shop):
    page = open_as(browser, full_shop, PHONE)
    for path in ("/app/", f"/app/items/{full_shop.hose_id}", "/app/alerts"):
        page.goto(full_shop.base_url + path)
        ready(page)
        page.get_by_role("button", name="Menu").click()  # the open menu too
        axe_clean(page)
    page.context.close()


def test_the_sidebar_stays_open_at_desktop_width(browser, full_shop):
    page = open_as(browser, full_shop, DESKTOP)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Suppliers")).to_be_visible()
    page.context.close()


# Each page's table, and the columns a phone must show without scrolling.
KEY_COLUMNS = [
    ("/app/items", "#items-table", ["Name", "Quantity"]),
    ("/app/alerts", "main table", ["Item", "Order"]),
    ("/app/", "main table", ["Item", "Shortfall", "Suggested order"]),
    ("/app/history?action_type=update", "main table", ["What", "Changes"]),
    ("/app/suppliers", "main table", ["Name", "Phone", "Email"]),
]


@pytest.mark.parametrize("path, table, columns", KEY_COLUMNS)
def test_tables_show_their_key_columns_on_a_phone(
    browser, full_shop, path, table, columns
):
    page = open_as(browser, full_shop, PHONE)
    page.goto(full_shop.base_url + path)
    ready(page)
    table = page.locator(table).first
    headings = [
        re.sub("[▲▼]", "", text).strip()
        for text in table.locator("thead th").all_text_contents()
    ]
    first_row = table.locator("tbody tr").first
    for column in columns:
        cell = first_row.locator("td").nth(headings.index(column))
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], column
        label = cell.evaluate("c => getComputedStyle(c, '::before').content")
        if label not in ("none", "normal"):  # a card: the value is labelled
            assert label == f'"{column}"'
        else:
            expect(
                table.locator("thead th").nth(headings.index(column))
            ).to_be_visible()
    if path == "/app/alerts":  # the list is grouped under each supplier's name
        expect(page.get_by_role("heading", name="Acme")).to_be_in_viewport()
    assert sideways_overflow(page) == {"page": 0}
    page.context.close()


def toolbar_controls(page) -> list[dict]:
    """The items page's fields and buttons above the table, where they are drawn."""
    return page.evaluate(
        """() => {
          const table = document.querySelector("#items-table");
          const found = [];
          const selector = "input:not([type=hidden]), select, button, [role=button]";
          for (const el of document.querySelector("main").querySelectorAll(selector)) {
            if (el.closest("dialog")) continue;
            if (!(el.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING)) continue;
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            found.push({name: el.textContent.trim() || el.name, type: el.type || "link",
                        tag: el.tagName, middle: box.top + box.height / 2,
                        height: box.height, width: box.width,
                        radius: style.borderTopLeftRadius});
          }
          return found;
        }"""
    )


def rows_of(controls: list[dict]) -> list[list[str]]:
    """Group controls drawn on the same line (their middles within 24 px)."""
    rows: list[list[dict]] = []
    for control in sorted(controls, key=lambda c: c["middle"]):
        if rows and control["middle"] - rows[-1][0]["middle"] < 24:
            rows[-1].append(control)
        else:
            rows.append([control])
    return [[c["name"] for c in row] for row in rows]


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_items_toolbar_fits_two_rows_at_desktop_width(browser, full_shop, theme):
    page = open_as(browser, full_shop, DESKTOP, theme)
    page.goto(full_shop.base_url + "/app/items")
    ready(page)
    screenshot(page, f"desktop-{theme}-items")
    controls = toolbar_controls(page)
    assert len(rows_of(controls)) <= 2, rows_of(controls)
    # The table starts, and its first row shows, in the first screen.
    first_row = page.locator("#items-table tbody tr").first.bounding_box()
    assert first_row["y"] + first_row["height"] <= DESKTOP["height"]
    buttons = [c for c in controls if c["tag"] in ("BUTTON", "A")]
    assert {b["name"] for b in buttons} >= {"Filter", "Clear", "New item"}
    assert len({(round(b["height"]), b["radius"]) for b in buttons}) == 1, buttons
    # A checkbox looks like one: square corners, not a radio button's circle.
    checkbox = next(c for c in controls if c["type"] == "checkbox")
    assert float(checkbox["radius"].removesuffix("px")) < checkbox["width"] / 4
    # The search box's hint is not cut off.
    search = page.get_by_role("searchbox", name="Search")
    room, needed = search.evaluate(
        """input => {
          const style = getComputedStyle(input);
          const context = document.createElement("canvas").getContext("2d");
          context.font = style.font;
          const room = input.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          return [room, context.measureText(input.placeholder).width];
        }"""
    )
    assert needed <= room
    page.context.close()
