"""Every page, as each team role: only the controls that role may use.

An admin sees everything; a clerk the stock-movement controls; staff no
write control. The walk also sends what each non-admin's forms would send,
so a control shown to a role the API refuses fails the test.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Shop, ready

# Buttons that change nothing: every role may use them.
READING = {"Filter", "Clear", "Export this view as CSV", "Print the purchase list"}


@pytest.fixture
def team(shop):
    """A shop with an item low on stock, a category, a supplier, a clerk and staff."""
    category = shop.post("/categories", {"name": "Tools"}).json()["category"]["id"]
    supplier = shop.post("/suppliers", {"name": "Acme"}).json()["supplier"]["id"]
    item = shop.item(
        "Lamp",
        quantity=1,
        reorder_level=5,
        category_id=category,
        supplier_id=supplier,
    )
    return {
        "owner": shop,
        "clerk": shop.add_member("clerk"),
        "staff": shop.add_member("staff"),
        "item": item,
    }


def expected_writes(team, role: str) -> dict[str, set[str]]:
    """The write controls each page shows ``role``, by path."""
    item_page = f"/app/items/{team['item']['id']}"
    writes = {path: set() for path in PATHS}
    writes[item_page] = set()
    if role in ("admin", "clerk"):
        writes[item_page] |= {"Record movement"}
    if role == "admin":
        writes[item_page] |= {"Edit", "Delete"}
        writes["/app/items"] = {"New item", "Import CSV"}
        writes["/app/categories"] = {"New category", "Edit Tools", "Delete Tools"}
        writes["/app/suppliers"] = {"New supplier", "Edit Acme", "Delete Acme"}
        people = [team[name].username for name in ("owner", "clerk", "staff")]
        writes["/app/members"] = {"Rename the team", "Add a member"}
        writes["/app/members"] |= {f"Save the role of {name}" for name in people}
        writes["/app/members"] |= {f"Remove {name}" for name in people}
    return writes


PATHS = [
    "/app/",
    "/app/items",
    "/app/alerts",
    "/app/history",
    "/app/categories",
    "/app/suppliers",
    "/app/members",
]


def shown_controls(page) -> set[str]:
    """The names of the buttons the page's main part shows (closed dialogs hide theirs)."""
    return set(
        page.locator("main").evaluate(
            """main => [...main.querySelectorAll('button, [role=button]')]
                .filter(el => el.checkVisibility())
                .map(el => el.getAttribute('aria-label') || el.textContent.trim())"""
        )
    )


def forms_sent(page) -> list[tuple[str, str]]:
    """Every API request the page's forms would send: (method, path)."""
    return page.locator("main").evaluate(
        """main => [...main.querySelectorAll('form[data-url]')]
            .map(form => [form.dataset.method || 'POST', form.dataset.url])"""
    )


def walk(browser, team, role: str):
    """Sign ``role`` in and yield each page's path, shown controls and forms."""
    person = team["owner"] if role == "admin" else team[role]
    context = browser.new_context()
    page = context.new_page()
    person.sign_in(page)
    person.open_team(page, team["owner"].team_id)
    item_page = f"/app/items/{team['item']['id']}"
    for path in [*PATHS, item_page]:
        page.goto(person.base_url + path)
        ready(page)
        expect(page.locator("h1")).to_be_visible()
        yield path, shown_controls(page), forms_sent(page), page
    context.close()


@pytest.mark.parametrize("role", ["admin", "clerk", "staff"])
def test_every_page_shows_each_role_only_the_controls_it_may_use(browser, team, role):
    writes = expected_writes(team, role)
    for path, shown, _, _ in walk(browser, team, role):
        assert shown - READING == writes[path], path


# A request each form may send, as a person filling it in would.
BODIES = {"/stock": {"reason": "purchase", "change": 1}}


@pytest.mark.parametrize("role", ["clerk", "staff"])
def test_no_control_shown_to_a_clerk_or_staff_is_refused(browser, team, role):
    for path, _, forms, page in walk(browser, team, role):
        for method, url in forms:
            body = next((b for end, b in BODIES.items() if url.endswith(end)), {})
            answer = page.request.fetch(
                team["owner"].base_url + url, method=method, data=body
            )
            assert answer.status not in (401, 403, 404), (path, method, url)


def test_a_clerk_records_a_delivery_on_the_item_page(page, team):
    clerk: Shop = team["clerk"]
    clerk.sign_in(page)
    clerk.open_team(page, team["owner"].team_id)
    page.goto(f"{clerk.base_url}/app/items/{team['item']['id']}")
    ready(page)
    page.get_by_role("button", name="Record movement").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What happened").select_option("purchase")
    dialog.get_by_label("Units").fill("12")
    dialog.get_by_role("button", name="Record").click()  # saved: the page reloads
    expect(page.locator("dl.details")).to_contain_text("13")
    assert (
        team["owner"].get(f"/inventory/{team['item']['id']}").json()["item"]["quantity"]
        == 13
    )
