"""A person's first visit: register, log in, the home page, the layout, log out."""

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, Shop, axe_clean, ready


def test_register_then_log_in_lands_on_an_empty_home(page, base_url):
    page.goto(base_url + "/")
    expect(page).to_have_url(re.compile(r"/app/login\?next=/app/$"))
    page.get_by_role("link", name="Create one").click()
    page.get_by_label("Username").fill("newshop")
    page.get_by_label("Email").fill("newshop@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/app/login"))
    page.get_by_label("Username").fill("newshop")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(base_url + "/app/")
    expect(page.get_by_role("heading", name="First steps")).to_be_visible()
    expect(page.get_by_role("link", name="Home")).to_have_attribute(
        "aria-current", "page"
    )


def test_register_shows_the_apis_field_errors_at_their_fields(
    page, base_url, page_problems
):
    page_problems.expect(400, "/register")
    page.goto(base_url + "/app/register")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    email = page.get_by_label("Email")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#register-email-error")).not_to_be_empty()
    # In plain words: the page says where to look, not "Validation failed".
    expect(page.get_by_role("alert").first).to_contain_text(
        "check the fields marked below"
    )


def test_a_wrong_password_is_explained(page, shop, page_problems):
    page_problems.expect(401, "/login")
    page.goto(shop.base_url + "/app/login")
    page.get_by_label("Username").fill(shop.username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Invalid username or password"
    )


def test_login_returns_to_the_page_asked_for(page, shop):
    item = shop.item("Lamp")
    page.goto(f"{shop.base_url}/app/items/{item['id']}")
    expect(page).to_have_url(re.compile(r"/app/login\?next="))
    page.get_by_label("Username").fill(shop.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{shop.base_url}/app/items/{item['id']}")
    expect(page.get_by_role("heading", name="Lamp", level=1)).to_be_visible()


def test_keyboard_only_login_and_skip_link(page, shop):
    page.goto(shop.base_url + "/app/login")
    ready(page)
    expect(page.get_by_label("Username")).to_be_focused()  # autofocus
    page.keyboard.type(shop.username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(shop.base_url + "/app/")
    ready(page)
    page.locator("body").focus()  # from the top of the page, as after a load
    page.keyboard.press("Tab")  # the skip link comes first
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_user_menu_opens_with_enter_closes_on_escape_and_logs_out(page, signed_in):
    button = page.locator("#user-menu-button")
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    menu = page.locator("#user-menu")
    expect(menu).to_be_visible()
    expect(menu).to_contain_text(signed_in.username)
    expect(menu).to_contain_text("admin")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    expect(button).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/app/login$"))
    # Refused afterwards: the page sends the browser to log in, the API says 401.
    page.goto(signed_in.base_url + "/app/items")
    expect(page).to_have_url(re.compile(r"/app/login\?next=/app/items"))
    answer = page.request.get(signed_in.base_url + "/inventory")
    assert answer.status == 401


def test_dark_mode_is_remembered_and_applied_before_first_paint(page, signed_in):
    html = page.locator("html")
    page.get_by_role("button", name="Dark mode").click()
    expect(html).to_have_attribute("data-theme", "dark")
    expect(page.get_by_role("button", name="Light mode")).to_have_attribute(
        "aria-pressed", "true"
    )
    # Record the theme as the document is first parsed, before any paint.
    page.add_init_script(
        "document.addEventListener('readystatechange', () => {"
        " if (!window.firstTheme) window.firstTheme ="
        " document.documentElement.getAttribute('data-theme') || 'none'; });"
    )
    page.reload()
    assert page.evaluate("window.firstTheme") == "dark"
    expect(html).to_have_attribute("data-theme", "dark")


def test_dark_mode_follows_the_system_until_chosen(browser, base_url):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    Shop(base_url).sign_in(page)
    assert page.evaluate("document.documentElement.getAttribute('data-theme')") is None
    expect(page.get_by_role("button", name="Light mode")).to_be_visible()
    context.close()


def test_home_shows_what_needs_attention_and_the_tiles(page, shop):
    supplier = shop.post("/suppliers", {"name": "Acme"}).json()["supplier"]["id"]
    shop.item("Glue", quantity=2, reorder_level=5, supplier_id=supplier, price=3.0)
    shop.item("Tape", quantity=0, reorder_level=1, price=2.0)
    shop.item("Ink", quantity=9, cost_price=1.5, price=4.0, expiry_date="2000-01-01")
    shop.sign_in(page)
    attention = page.locator(
        "section", has=page.get_by_role("heading", name="Needs attention")
    )
    glue = attention.get_by_role("row", name=re.compile("Glue"))
    expect(glue).to_contain_text("Acme")
    expect(glue.get_by_role("cell").nth(3)).to_have_text("3")  # shortfall
    expect(attention).to_contain_text("Ink")
    expect(attention).to_contain_text("expired")
    expect(page.get_by_role("link", name="1 out of stock")).to_have_attribute(
        "href", re.compile("max_quantity=0")
    )
    page.get_by_role("link", name="2 low stock").click()
    expect(page).to_have_url(re.compile(r"/app/items\?.*low_stock=true"))
    expect(page.get_by_role("link", name="Glue")).to_be_visible()
    expect(page.get_by_role("link", name="Ink")).to_have_count(0)
    page.go_back()
    expect(page.get_by_text("13.50")).to_be_visible()  # 9 at a cost of 1.50
    latest = page.locator(
        "section", has=page.get_by_role("heading", name="Latest changes")
    )
    expect(latest.locator("time").first).to_have_attribute("title", re.compile("UTC"))
    expect(latest).to_contain_text("created item")


def test_another_team_sees_none_of_it(browser, base_url):
    first, second = Shop(base_url), Shop(base_url)
    first.item("Secret sauce", quantity=0, reorder_level=2)
    item_id = first.get("/inventory").json()["items"][0]["id"]
    context = browser.new_context()
    page = context.new_page()
    second.sign_in(page)
    expect(page.get_by_text("Secret sauce")).to_have_count(0)
    page.goto(f"{base_url}/app/items")
    expect(page.get_by_text("Secret sauce")).to_have_count(0)
    response = page.goto(f"{base_url}/app/items/{item_id}")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    context.close()


def test_login_register_and_home_are_accessible_in_both_themes(page, signed_in):
    page.goto(signed_in.base_url + "/app/")
    axe_clean(page)
    anonymous = page.context.browser.new_page()
    for path in ("/app/login", "/app/register"):
        anonymous.goto(signed_in.base_url + path)
        axe_clean(anonymous)
    anonymous.close()


def test_too_many_failed_logins_show_the_wait(page, shop, page_problems):
    # The limiter is one object per process, so a second live app with limits
    # on would limit the shared one too: the API's 429 (tests/test_rate_limits)
    # is played back here exactly as it answers, to test what the page shows.
    page_problems.expect(429, "/login")
    page.route(
        lambda url: urlsplit(url).path == "/login",  # the API, not /app/login
        lambda route: route.fulfill(
            status=429,
            headers={"Retry-After": "42"},
            json={
                "status": "failed",
                "message": "Too many failed logins for this username; try again later.",
                "errors": [],
            },
        ),
    )
    page.goto(shop.base_url + "/app/login")
    page.get_by_label("Username").fill(shop.username)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Too many failed logins for this username; try again later. "
        "Try again in 42 seconds."
    )
