"""A shop full of long names and odd cases, for looking at pages at two widths.

The layout tests share it: each test module makes its own with a fixture.
"""

import uuid

from tests.browser.conftest import Shop

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# Screenshots of every page looked at, to open and judge by eye (not asserted).
SHOTS = "/tmp/layout-screenshots"


def build_full_shop(base_url: str, live_app) -> Shop:
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
