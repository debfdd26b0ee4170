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
