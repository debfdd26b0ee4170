"""The README's screenshots, taken from the real pages (``make screenshots``).

Skipped in the ordinary run, so ``make test`` never rewrites tracked files.
The demo shop (``flask seed-demo``) gives the pages something to show.
"""

import os
from pathlib import Path

import pytest

from domain.demo_data import DEMO_PASSWORD, DEMO_USERNAME, seed_demo
from extensions import db

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PAGES = {
    "home": "/app/",
    "items": "/app/items",
    "item": None,  # the demo's first low-stock item, found below
    "alerts": "/app/alerts",
    "history": "/app/history",
}

pytestmark = pytest.mark.skipif(
    os.environ.get("SCREENSHOTS") != "1", reason="make screenshots takes them"
)


@pytest.fixture(scope="module")
def demo(live_app):
    with live_app.app_context():
        seed_demo()
        db.session.commit()


# At a phone's width, the pages a shop's people use most on the floor.
PHONE_PAGES = ("home", "items", "item")


def take_screenshots(browser, base_url, theme, viewport, names, suffix=""):
    """Log in to the demo shop and save each named page as <name>[-phone]-<theme>.png."""
    context = browser.new_context(color_scheme=theme, viewport=viewport)
    page = context.new_page()
    page.goto(base_url + "/app/login")
    page.get_by_label("Username").fill(DEMO_USERNAME)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/app/")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        path = PAGES[name]
        if path is None:
            page.goto(base_url + "/app/alerts")
            path = page.locator("main table a").first.get_attribute("href")
        page.goto(base_url + path)
        target = SCREENSHOTS / f"{name}{suffix}-{theme}.png"
        page.screenshot(path=str(target), full_page=False)
        assert target.stat().st_size > 10_000
    context.close()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_every_main_page(browser, base_url, demo, theme):
    viewport = {"width": 1280, "height": 900}
    take_screenshots(browser, base_url, theme, viewport, PAGES)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_screenshot_the_floor_pages_at_phone_width(browser, base_url, demo, theme):
    viewport = {"width": 390, "height": 844}
    take_screenshots(browser, base_url, theme, viewport, PHONE_PAGES, "-phone")
