"""Every page, with its dialogs open, has no accessibility violation in either theme."""

from playwright.sync_api import expect

from tests.browser.conftest import axe_clean, ready


def test_every_page_and_dialog_is_accessible_in_both_themes(page, shop, page_problems):
    page_problems.expect(404, "/app/no-such-page")  # the 404 page is checked too
    supplier = shop.post("/suppliers", {"name": "Acme"}).json()["supplier"]["id"]
    shop.post("/categories", {"name": "Tools"})
    item = shop.item("Glue", quantity=1, reorder_level=3, supplier_id=supplier)
    shop.post(f"/inventory/{item['id']}/stock", {"reason": "sale", "change": -1})
    shop.sign_in(page)
    pages = {
        "/app/": [],
        "/app/items": ["New item", "Import CSV"],
        f"/app/items/{item['id']}": ["Record movement", "Edit", "Delete"],
        "/app/alerts": [],
        "/app/history": [],
        "/app/categories": ["New category"],
        "/app/suppliers": ["New supplier"],
        "/app/members": ["Add a member"],
        "/app/no-such-page": [],
    }
    for path, dialogs in pages.items():
        page.goto(shop.base_url + path)
        ready(page)
        axe_clean(page)
        for opener in dialogs:
            page.get_by_role("button", name=opener, exact=True).click()
            dialog = page.get_by_role("dialog")
            expect(dialog).to_be_visible()
            axe_clean(page)
            page.keyboard.press("Escape")
            expect(dialog).to_be_hidden()


# Every visible control outside a closed dialog, named for the assertion.
CONTROLS = """() => Array.from(document.querySelectorAll(
    'a[href], button, input, select, textarea, summary'))
  .filter(el => !el.closest('dialog:not([open])') && !el.disabled
    && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
  .map(el => el.id || el.getAttribute('href') || el.getAttribute('aria-label')
    || el.textContent.trim())"""
FOCUSED = """() => { const el = document.activeElement;
  return el.id || el.getAttribute('href') || el.getAttribute('aria-label')
    || el.textContent.trim(); }"""


def test_the_tab_key_reaches_every_control_on_every_page(page, shop):
    item = shop.item("Glue", quantity=1, reorder_level=3)
    shop.post("/categories", {"name": "Tools"})
    shop.sign_in(page)
    for path in (
        "/app/",
        "/app/items",
        f"/app/items/{item['id']}",
        "/app/alerts",
        "/app/history",
        "/app/categories",
        "/app/members",
    ):
        page.goto(shop.base_url + path)
        ready(page)
        page.locator("body").focus()
        controls = page.evaluate(CONTROLS)
        reached = []
        for _ in range(len(controls) + 5):
            page.keyboard.press("Tab")
            reached.append(page.evaluate(FOCUSED))
        missing = [control for control in controls if control not in reached]
        assert missing == [], f"{path}: not reachable by Tab: {missing}"
