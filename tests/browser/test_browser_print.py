"""The alerts page's printed purchase list: who it is for, whom to call, and
page breaks that never leave a supplier's heading alone at the foot of a page."""

import re
import uuid
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop, ready

SUPPLIERS = 9


@pytest.fixture(scope="module")
def ordering_shop(base_url) -> Shop:
    """A shop with several suppliers, each with a few items to reorder."""
    shop = Shop(base_url, name=f"shop{uuid.uuid4().hex[:6]}")
    for number in range(SUPPLIERS):
        supplier = shop.post(
            "/suppliers",
            {
                "name": f"Supplier {number:02d}",
                "contact_name": f"Contact {number:02d}",
                "phone": f"+44 113 496 00{number:02d}",
                "email": f"orders{number:02d}@example.com",
            },
        ).json()["supplier"]["id"]
        for item in range(1 + number % 4):
            shop.item(
                f"Part {number:02d}-{item}",
                quantity=item,
                reorder_level=10,
                supplier_id=supplier,
            )
    return shop


def test_the_purchase_list_says_for_whom_when_and_whom_to_call(page, ordering_shop):
    ordering_shop.sign_in(page)
    page.goto(ordering_shop.base_url + "/app/alerts")
    page.emulate_media(media="print")
    main = page.locator("main")
    team = ordering_shop.get("/me").json()["team"]["name"]
    today = datetime.now(UTC)
    expect(main).to_contain_text(f"{team}, {today.day} {today:%B %Y}")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="Supplier 03")
    )
    expect(section).to_contain_text("Contact: Contact 03")
    expect(section).to_contain_text("Phone: +44 113 496 0003")
    expect(section).to_contain_text("Email: orders03@example.com")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Print the purchase list")).to_be_hidden()
    # A picture of the printed list to look at (not asserted).
    page.screenshot(path="/tmp/layout-screenshots/print-alerts.png", full_page=True)
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 2  # the list spans pages


def headings_left_alone(page, height: int) -> list[str]:
    """Lay the printed list out in pages ``height`` px tall (CSS columns: the
    browser breaks them as it breaks printed pages) and name each supplier
    whose heading is not on the same page as its first row."""
    return page.evaluate(
        """(height) => {
          const main = document.querySelector("main");
          const width = main.clientWidth;
          Object.assign(main.style, {height: height + "px", width: width + "px",
            columnCount: "1", columnGap: "0", columnFill: "auto"});
          const pageOf = (el) => Math.floor(
            (el.getBoundingClientRect().left - main.getBoundingClientRect().left + 1) / width);
          const alone = [];
          for (const section of main.querySelectorAll("section")) {
            const heading = section.querySelector("h2");
            const firstRow = section.querySelector("tbody tr");
            if (pageOf(heading) !== pageOf(firstRow)) alone.push(heading.textContent);
          }
          return alone;
        }""",
        height,
    )


def test_no_supplier_heading_is_left_alone_at_the_foot_of_a_page(
    browser, ordering_shop
):
    context = browser.new_context(viewport={"width": 794, "height": 1123})
    page = context.new_page()
    ordering_shop.sign_in(page)
    page.goto(ordering_shop.base_url + "/app/alerts")
    ready(page)
    page.emulate_media(media="print")
    # Page heights from a small label to A4: every place a break can fall.
    for height in range(260, 1000, 9):
        assert headings_left_alone(page, height) == [], height
    context.close()
