"""The README says what the team model made true (issue 24, section 6)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.parametrize(
    "stale",
    [
        "manage your own items",
        "you see exactly your own",
        "led by the owner",
        "Staff keep full control of their own items",
        "not yours |",
        "(bound to 127.0.0.1)",
    ],
)
def test_no_statement_from_before_teams_is_left(stale):
    assert stale not in README


def test_every_endpoint_is_in_the_reference_table():
    assert "| PUT | `/me/password` | yes | 200 |" in README
    assert "| POST | `/inventory/<id>/stock` | clerk or team admin | 200 |" in README


def test_the_host_setting_is_documented_with_what_it_exposes():
    assert "| `HOST` | `127.0.0.1` |" in README
    assert "HOST=0.0.0.0 make run" in README
    assert "plain HTTP" in README
    assert "HOST=127.0.0.1" in (ROOT / ".env.example").read_text()


def test_the_first_screen_names_the_demo_logins():
    first_screen = README.split("## Dashboard")[0]
    for login in ("`demo`", "`demo-clerk`", "`demo-staff`", "`demo-pass-1`"):
        assert login in first_screen


def test_every_contents_link_names_a_heading():
    headings = {
        re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        for heading in re.findall(r"^## (.+)$", README, re.M)
    }
    for anchor in re.findall(r"\]\(#([^)]+)\)", README):
        assert anchor in headings, anchor


@pytest.mark.parametrize("path", ["scripts/vendor.py", "plumbing/sessions.py"])
def test_comments_name_only_files_that_exist(path):
    text = (ROOT / path).read_text()
    for named in re.findall(r"\btests/\w+\.py\b", text):
        assert (ROOT / named).exists(), named
    assert "FIELD_NOTES" not in text
