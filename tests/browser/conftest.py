"""Real-browser tests: Debian's Chromium driven by Playwright against a live app.

``playwright install`` downloads its own browser and cannot work without the
internet, so the tests launch the system's Chromium (``make test`` installs
it with apt-get). Without a browser they are skipped, unless
``REQUIRE_BROWSER=1`` (set by ``make test``): then a missing browser fails
the run instead of silently testing nothing.

They run in the SQLite pass only: the pages read through the same domain
functions on both backends, and tests/test_dashboard.py covers those on
PostgreSQL + Redis with the test client.
"""

import os
import re
import shutil
import uuid
from collections.abc import Iterator

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe

from tests.helpers import (
    PASSWORD,
    TEST_DATABASE_URL,
    app_with_schema,
    serve,
    sqlite_settings_for,
)

CHROMIUM = shutil.which(os.environ.get("CHROMIUM") or "chromium")
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config, items):
    """Skip (or, with REQUIRE_BROWSER=1, fail) when no browser can run."""
    reason = None
    if TEST_DATABASE_URL:
        reason = "browser tests run in the SQLite pass"
    elif not CHROMIUM:
        if REQUIRE_BROWSER:
            raise pytest.UsageError(
                "REQUIRE_BROWSER=1 but no Chromium was found: install it "
                "(apt-get install chromium) or set CHROMIUM to its path."
            )
        reason = "no Chromium (apt-get install chromium; REQUIRE_BROWSER=1 fails)"
    if reason:
        for item in items:
            if "tests/browser/" in str(item.fspath):
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Launch the system's Chromium instead of one Playwright downloads."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM}


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The app on SQLite and file sessions, with login rate limits off."""
    config = sqlite_settings_for(tmp_path_factory.mktemp("browser"))
    config["RATELIMIT_ENABLED"] = False  # every test logs in, many times
    yield from app_with_schema(config)


@pytest.fixture(scope="session")
def base_url(live_app) -> Iterator[str]:
    """The live server's address (our own: pytest-base-url's warns under pytest 9)."""
    with serve(live_app) as url:
        yield url


class PageProblems:
    """Console errors and failed requests a page logged during a test."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.allowed: list[re.Pattern] = []

    def expect(self, status: int, path: str) -> None:
        """Allow the answer ``status`` from ``path`` (a 409 the test provokes).

        Chromium reports such an answer twice: as a response and on the console.
        """
        path = re.escape(path)
        self.allowed.append(re.compile(rf"HTTP {status}: \S*{path}"))
        self.allowed.append(re.compile(rf"status of {status} .*'url': '\S*{path}"))

    def unexpected(self) -> list[str]:
        return [p for p in self.seen if not any(a.search(p) for a in self.allowed)]


@pytest.fixture
def page_problems(page) -> Iterator[PageProblems]:
    """Fail the test if the page logs a console error or a request fails."""
    problems = PageProblems()
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and problems.seen.append(f"console: {message.text} ({message.location})")
        ),
    )
    page.on("pageerror", lambda error: problems.seen.append(f"page error: {error}"))
    # A request the browser aborts itself (the page navigated away) is fine.
    page.on(
        "requestfailed",
        lambda request: (
            request.failure != "net::ERR_ABORTED"
            and problems.seen.append(f"request failed: {request.url}")
        ),
    )
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and problems.seen.append(f"HTTP {response.status}: {response.url}")
        ),
    )
    yield problems
    assert problems.unexpected() == []


@pytest.fixture(autouse=True)
def _guard_every_page(request):
    """Watch every browser test's page for errors (tests opt out per pattern)."""
    if "page" in request.fixturenames:
        request.getfixturevalue("page_problems")


class Shop:
    """A team admin with a fresh account, acting through the API like a client."""

    def __init__(self, base_url: str, name: str | None = None) -> None:
        self.base_url = base_url
        self.username = name or f"u{uuid.uuid4().hex[:10]}"
        self.api = requests.Session()
        created = self.post(
            "/register",
            {
                "username": self.username,
                "email": f"{self.username}@example.com",
                "password": PASSWORD,
            },
        )
        assert created.status_code == 201, created.text
        assert self.post("/login", self.credentials).status_code == 200
        self.team_id = self.get("/me").json()["team"]["id"]

    @property
    def credentials(self) -> dict:
        return {"username": self.username, "password": PASSWORD}

    def get(self, path: str):
        return self.api.get(self.base_url + path)

    def post(self, path: str, body: dict, **headers):
        return self.api.post(self.base_url + path, json=body, headers=headers)

    def patch(self, path: str, body: dict, **headers):
        return self.api.patch(self.base_url + path, json=body, headers=headers)

    def item(self, name: str, **fields) -> dict:
        """Create an item in the team and return it."""
        body = {"item_name": name, "quantity": 10, "price": 5.0, **fields}
        created = self.post("/inventory", body)
        assert created.status_code == 201, created.text
        return created.json()["item"]

    def add_staff(self) -> "Shop":
        """Register another user and add them to this team as staff."""
        return self.add_member("staff")

    def add_member(self, role: str) -> "Shop":
        """Register another user and add them to this team with ``role``."""
        member = Shop(self.base_url)
        added = self.post(
            f"/teams/{self.team_id}/members",
            {"username": member.username, "role": role},
        )
        assert added.status_code == 201, added.text
        assert member.post(f"/teams/{self.team_id}/switch", {}).status_code == 200
        return member

    def open_team(self, page, team_id: int) -> None:
        """Make ``team_id`` the browser session's current team, as the switcher does."""
        switched = page.request.post(f"{self.base_url}/teams/{team_id}/switch")
        assert switched.status == 200, switched.text()

    def sign_in(self, page) -> None:
        """Log the browser page in by hand: the login form, as a person would."""
        page.goto(f"{self.base_url}/app/login")
        page.get_by_label("Username").fill(self.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{self.base_url}/app/")
        ready(page)


@pytest.fixture
def shop(base_url) -> Shop:
    """A new user (admin of their own team) with nothing in it yet."""
    return Shop(base_url)


@pytest.fixture
def signed_in(shop, page) -> Shop:
    """``shop``, with the browser page logged in."""
    shop.sign_in(page)
    return shop


def ready(page) -> None:
    """Wait until the page's components answer clicks and keys (app.js marks it)."""
    page.locator("html[data-ready]").wait_for(state="attached")


AXE = Axe()


def axe_clean(page) -> None:
    """Assert no accessibility violations on the page, in light and dark themes."""
    # Pico animates colour changes; without motion the new theme applies at once.
    page.emulate_media(reduced_motion="reduce")
    for theme in ("light", "dark"):
        page.evaluate(
            "theme => document.documentElement.setAttribute('data-theme', theme)",
            theme,
        )
        page.wait_for_timeout(300)  # let any remaining transition finish
        results = AXE.run(page)
        assert results.violations_count == 0, f"{theme}: {results.generate_report()}"
