"""The pages at a phone's width (390 px) and at a desktop's (1280 px)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop, ready

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Screenshots of every page looked at, to open and judge by eye (not asserted).
SHOTS = "/tmp/layout-screenshots"


@pytest.fixture(scope="module")
def full_shop(base_url, live_app) -> Shop:
    """A site admin's shop with long names, low and out-of-stock items, history."""
    shop = Shop(base_url, name=f"owner{uuid.uuid4().hex[:6]}")
    with live_app.app_context():
        from domain.accounts import find_user_by_username
        from extensions import db

        find_user_by_username(shop.username).role = "admin"
        db.session.commit()
    shop.add_staff()
    wholesaler = shop.post(
        "/suppliers",
        {
            "name": "Northern Hardware Wholesale Ltd",
            "contact_name": "Margaret Featherstonehaugh",
            "email": "purchasing.orders@northern-hardware-wholesale.example.com",
            "phone": "+44 20 7946 0958",
            "address": "Unit 14, Riverside Industrial Estate, Huddersfield HD1 6QF",
        },
    ).json()["supplier"]["id"]
    acme = shop.post(
        "/suppliers", {"name": "Acme", "phone": "555-0100", "email": "a@acme.test"}
    ).json()["supplier"]["id"]
    kitchen = shop.post(
        "/categories", {"name": "Kitchen and household supplies"}
    ).json()["category"]["id"]
    hose = shop.item(
        "Stainless steel garden hose connector (three quarter inch)",
        sku="HOSE-CONN-34-STAINLESS",
        quantity=40,
        reorder_level=12,
        price=1234.5,
        cost_price=800,
        supplier_id=wholesaler,
        category_id=kitchen,
        metadata={"tags": ["garden", "outdoor"]},
        description="Fits most hoses.",
    )
    for reason, change in (("sale", -9), ("sale", -12), ("purchase", 5), ("sale", -22)):
        moved = shop.post(
            f"/inventory/{hose['id']}/stock",
            {"reason": reason, "change": change, "note": "Weekend market stall"},
        )
        assert moved.status_code == 200, moved.text
    edited = shop.patch(f"/inventory/{hose['id']}", {"price": 1299.99})
    assert edited.status_code == 200, edited.text
    shop.item("Glue", quantity=0, reorder_level=5, supplier_id=acme, price=3)
    shop.item("Cement, pallet", quantity=900, reorder_level=10, price=1234.56)
    shop.item("Tape", quantity=80, reorder_level=10, price=2.5, category_id=kitchen)
    shop.hose_id = hose["id"]
    return shop


def dashboard_paths(shop: Shop) -> list[str]:
    """Every page a logged-in site admin can open, one item included."""
    return [
        "/app/",
        "/app/items",
        f"/app/items/{shop.hose_id}",
        "/app/alerts",
        "/app/history",
        "/app/categories",
        "/app/suppliers",
        "/app/members",
        "/app/users",
    ]


def open_as(browser, shop: Shop | None, viewport: dict, theme: str = "light"):
    """A new page of the given size and theme, logged in as ``shop`` if given."""
    context = browser.new_context(viewport=viewport, color_scheme=theme)
    page = context.new_page()
    if shop:
        shop.sign_in(page)
    return page


def screenshot(page, name: str) -> None:
    """Keep a picture of the whole page for a person to look at."""
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


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
            for (const match of node.data.matchAll(/[+-]?\d[\d,.]*\d|\d/g)) {
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
def test_no_page_scrolls_sideways_on_a_phone(browser, full_shop, theme):
    page = open_as(browser, full_shop, PHONE, theme)
    for path in dashboard_paths(full_shop):
        page.goto(full_shop.base_url + path)
        ready(page)
        screenshot(page, f"phone-{theme}{path.replace('/', '-')}")
        assert sideways_overflow(page) == {"page": 0}, path
        assert broken_numbers(page) == [], path
    page.context.close()
    anonymous = open_as(browser, None, PHONE, theme)
    for path in ("/app/login", "/app/register"):
        anonymous.goto(full_shop.base_url + path)
        ready(anonymous)
        screenshot(anonymous, f"phone-{theme}{path.replace('/', '-')}")
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
    assert sideways_overflow(page) == {"page": 0}
    page.context.close()


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
