"""The dashboard's pages through the test client, on every backend under test.

The browser tests (tests/browser) drive the same pages as a person does;
these check what a page answers: redirects, status codes, the CSP, which
controls each role is shown, and that a page shows only its own team's data.
"""

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from extensions import db
from tests.helpers import AuthActions, item_payload

PAGES = ["/app/", "/app/items", "/app/alerts", "/app/history"]
VENDOR = Path(__file__).resolve().parents[1] / "dashboard" / "static" / "vendor"


@pytest.mark.parametrize("path", [*PAGES, "/app/items/1"])
def test_a_page_sends_a_logged_out_browser_to_login_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.location == f"/app/login?next={path}"


@pytest.mark.parametrize("path", PAGES)
def test_pages_answer_html_under_a_strict_csp(client, logged_in, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe" not in policy
    assert b"<script>" not in response.data and b" style=" not in response.data


def test_the_api_keeps_its_own_csp(client, logged_in):
    response = client.get("/inventory")
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; frame-ancestors 'none'"
    )


def test_root_sends_a_browser_to_the_dashboard_and_an_api_client_an_index(client):
    browser = client.get("/", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 302 and browser.location == "/app/"
    api = client.get("/", headers={"Accept": "application/json"})
    assert api.status_code == 200
    assert api.get_json()["links"] == {
        "openapi": "/openapi.json",
        "docs": "/docs",
        "dashboard": "/app/",
    }


def test_an_unknown_page_is_an_html_404_in_the_layout(client, logged_in):
    response = client.get("/app/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Not found" in response.data


def test_a_bad_filter_is_an_html_400_that_says_why(client, logged_in):
    response = client.get("/app/items?min_quantity=lots")
    assert response.status_code == 400
    assert b"Invalid query parameters." in response.data


def test_empty_filter_fields_mean_any(client, logged_in):
    client.post("/inventory", json=item_payload(item_name="Hammer"))
    response = client.get("/app/items?q=&category_id=&status=&tag=")
    assert response.status_code == 200
    assert b"Hammer" in response.data


def test_login_next_is_a_local_path_only(client, auth):
    auth.register()
    auth.login()
    for target, expected in [
        ("/app/items", "/app/items"),
        ("//evil.example/x", "/app/"),
        ("https://evil.example/", "/app/"),
        ("/\\evil.example", "/app/"),
    ]:
        response = client.get("/app/login", query_string={"next": target})
        assert response.status_code == 302
        assert response.location == expected


def test_favicon_is_served(client):
    response = client.get("/favicon.ico", follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    response.close()  # a file response: close it as a server would


def test_another_teams_item_page_is_a_404(app, client):
    owner = app.test_client()
    AuthActions(owner).register("owner", "owner@example.com")
    AuthActions(owner).login("owner")
    item_id = owner.post("/inventory", json=item_payload()).get_json()["item_id"]
    assert owner.get(f"/app/items/{item_id}").status_code == 200
    AuthActions(client).register("other", "other@example.com")
    AuthActions(client).login("other")
    response = client.get(f"/app/items/{item_id}")
    assert response.status_code == 404
    assert item_payload()["item_name"].encode() not in response.data


def test_staff_pages_show_no_admin_controls(app, client):
    owner = app.test_client()
    AuthActions(owner).register("owner", "owner@example.com")
    AuthActions(owner).login("owner")
    item_id = owner.post("/inventory", json=item_payload()).get_json()["item_id"]
    team_id = owner.get("/me").get_json()["team"]["id"]
    AuthActions(client).register("clerk", "clerk@example.com")
    # A clerk records stock movements; staff are read-only (test_dashboard_roles).
    owner.post(f"/teams/{team_id}/members", json={"username": "clerk", "role": "clerk"})
    AuthActions(client).login("clerk")
    client.post(f"/teams/{team_id}/switch")
    for path, controls in [
        ("/app/items", [b"New item", b"Import CSV"]),
        (f"/app/items/{item_id}", [b">Edit<", b">Delete<"]),
    ]:
        page = client.get(path)
        assert page.status_code == 200
        for control in controls:
            assert control not in page.data
    assert b"Record movement" in client.get(f"/app/items/{item_id}").data
    admin_page = owner.get(f"/app/items/{item_id}").data
    assert b">Edit<" in admin_page and b">Delete<" in admin_page


def test_the_home_tiles_add_up(client, logged_in):
    client.post("/inventory", json=item_payload(item_name="A", quantity=0))
    client.post(
        "/inventory",
        json=item_payload(item_name="B", quantity=4, price=2.5, cost_price=1.25),
    )
    page = client.get("/app/").get_data(as_text=True)
    assert "<strong>2</strong> active items" in page
    assert "<strong>1</strong> out of stock" in page
    assert "<strong>5.00</strong> stock value at cost" in page
    assert "<strong>10.00</strong> stock value at price" in page


def test_the_home_tiles_are_the_current_teams(client, logged_in):
    # The totals come with the layout's row for each of the caller's teams:
    # the page must show the current team's, not the first team's.
    client.post("/inventory", json=item_payload(item_name="Personal", quantity=3))
    personal = client.get("/me").get_json()["team"]["id"]
    shop = client.post("/teams", json={"name": "Corner shop"}).get_json()["team"]
    client.post(f"/teams/{shop['id']}/switch")
    for name in ("A", "B", "C"):
        client.post("/inventory", json=item_payload(item_name=name, quantity=0))
    page = client.get("/app/").get_data(as_text=True)
    assert "<strong>3</strong> active items" in page
    assert "<strong>3</strong> out of stock" in page
    client.post(f"/teams/{personal}/switch")
    page = client.get("/app/").get_data(as_text=True)
    assert "<strong>1</strong> active items" in page
    assert "<strong>0</strong> out of stock" in page


def test_every_vendored_file_matches_its_recorded_sha256():
    manifest = json.loads((VENDOR / "VENDOR.json").read_text())
    files = {entry["file"] for entry in manifest}
    assert {"alpinejs-csp.min.js", "pico.min.css"} <= files
    assert files == {path.name for path in VENDOR.iterdir()} - {"VENDOR.json"}
    for entry in manifest:
        digest = hashlib.sha256((VENDOR / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], entry["file"]
        assert entry["licence"] == "MIT" and entry["version"]


@pytest.mark.parametrize("path", ["/app/categories", "/app/suppliers", "/app/members"])
def test_catalog_and_members_pages_show_write_controls_to_admins_only(
    app, client, path
):
    owner = app.test_client()
    AuthActions(owner).register("owner", "owner@example.com")
    AuthActions(owner).login("owner")
    owner.post("/categories", json={"name": "Tools"})
    owner.post("/suppliers", json={"name": "Acme"})
    team_id = owner.get("/me").get_json()["team"]["id"]
    AuthActions(client).register("clerk", "clerk@example.com")
    owner.post(f"/teams/{team_id}/members", json={"username": "clerk"})
    AuthActions(client).login("clerk")
    client.post(f"/teams/{team_id}/switch")
    admin_page, staff_page = owner.get(path), client.get(path)
    assert admin_page.status_code == staff_page.status_code == 200
    assert b'data-method="DELETE"' in admin_page.data
    assert b'data-method="DELETE"' not in staff_page.data
    assert b'data-method="POST"' not in staff_page.data


def test_the_users_page_refuses_all_but_site_admins(client, logged_in):
    response = client.get("/app/users")
    assert response.status_code == 403
    assert b"Only the site" in response.data


def test_a_member_removed_from_the_team_sees_none_of_its_data(app, client):
    owner = app.test_client()
    AuthActions(owner).register("owner", "owner@example.com")
    AuthActions(owner).login("owner")
    owner.post("/inventory", json=item_payload(item_name="Secret"))
    team_id = owner.get("/me").get_json()["team"]["id"]
    AuthActions(client).register("clerk", "clerk@example.com")
    clerk_id = owner.post(f"/teams/{team_id}/members", json={"username": "clerk"})
    AuthActions(client).login("clerk")
    client.post(f"/teams/{team_id}/switch")
    assert b"Secret" in client.get("/app/items").data
    user_id = clerk_id.get_json()["member"]["user_id"]
    owner.delete(f"/teams/{team_id}/members/{user_id}")
    for path in PAGES:
        response = client.get(path)
        # Moved back to their own team (issue 24): its pages, not the shop's.
        assert response.status_code == 200, path
        assert b"Secret" not in response.data
        assert b"clerk&#39;s inventory" in response.data, path


def test_a_page_sends_a_user_whose_account_is_gone_to_login(app, client, logged_in):
    # The layout reads the user as a row of its own (dashboard.access.page_user):
    # a session that outlived its account gets the login page, as g.user gives.
    with app.app_context():
        for table in ("history", "memberships"):
            db.session.execute(text(f"DELETE FROM {table}"))
        db.session.execute(text("DELETE FROM users"))
        db.session.commit()
    response = client.get("/app/")
    assert response.status_code == 302
    assert response.location.startswith("/app/login?next=")


def test_the_home_pages_two_lists_keep_their_own_orders(client, logged_in):
    # Both lists come from one statement (item_queries.short_lists); each
    # keeps its own order, and an item can be on both.
    def days(number):
        return (date.today() + timedelta(days=number)).isoformat()

    for name, quantity, reorder_level, expiry_date in (
        ("Nearly", 9, 10, days(2)),  # 90% of its reorder level on hand
        ("Short", 2, 4, None),  # 50%, 2 short
        ("Fresh", 50, 10, days(5)),  # not low on stock
        ("Empty", 0, 5, days(20)),  # out of stock
        ("Half", 5, 10, None),  # 50%, 5 short: before Short
        ("Expired", 50, 10, days(-1)),
    ):
        fields = {"quantity": quantity, "reorder_level": reorder_level}
        if expiry_date:
            fields["expiry_date"] = expiry_date
        response = client.post(
            "/inventory", json=item_payload(item_name=name, **fields)
        )
        assert response.status_code == 201
    page = client.get("/app/").get_data(as_text=True)
    low, expiring = page.split("<h3>Low stock")[1].split("<h3>Expiring within")

    def order(section, names):
        return sorted(names, key=lambda name: section.index(f">{name}</a>"))

    assert order(low, ["Nearly", "Short", "Empty", "Half"]) == [
        "Empty",
        "Half",
        "Short",
        "Nearly",
    ]
    assert "Fresh" not in low and "Expired" not in low
    assert order(expiring, ["Nearly", "Fresh", "Empty", "Expired"]) == [
        "Expired",
        "Nearly",
        "Fresh",
        "Empty",
    ]
    assert "Expiring within 30 days (4)" in page
    assert "Short" not in expiring.split("</section>")[0]


def test_the_home_page_counts_every_expiring_item_and_low_stock_item(client, logged_in):
    # The home page lists the first 8 of each and counts them all: low stock
    # from the team's kept totals, expiring items from the short lists'
    # statement (each row carries its list's total).
    soon = (date.today() + timedelta(days=3)).isoformat()
    for number in range(10):
        created = client.post(
            "/inventory",
            json=item_payload(
                item_name=f"Milk {number}",
                quantity=1,
                reorder_level=5,
                expiry_date=soon,
            ),
        )
        assert created.status_code == 201
    later = (date.today() + timedelta(days=90)).isoformat()
    client.post("/inventory", json=item_payload(item_name="Rice", expiry_date=later))
    page = client.get("/app/").get_data(as_text=True)
    assert "Low stock (10)" in page and "All 10 low-stock items" in page
    assert "Expiring within 30 days (10)" in page and "All 10 expiring items" in page
    expiring = page.split("Expiring within")[1].split("</section>")[0]
    assert expiring.count("Milk ") == 8 and "Rice" not in expiring
