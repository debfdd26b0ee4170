"""With REQUIRE_BROWSER=1 (as make test sets it), a missing Chromium fails the run."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_browser_tests(**env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:xdist",
            "-p",
            "no:cacheprovider",
            "tests/browser/test_browser_basics.py",
            "-k",
            "dark_mode_follows",
        ],
        cwd=ROOT,
        env={**os.environ, "TEST_DATABASE_URL": "", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_missing_browser_fails_when_required():
    result = run_browser_tests(CHROMIUM="/nonexistent/chromium", REQUIRE_BROWSER="1")
    assert result.returncode != 0
    assert (
        "REQUIRE_BROWSER=1 but no Chromium was found" in result.stdout + result.stderr
    )


def test_a_missing_browser_skips_when_not_required():
    result = run_browser_tests(CHROMIUM="/nonexistent/chromium", REQUIRE_BROWSER="")
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
