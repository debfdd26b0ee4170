"""`make bench BASE=<ref>`: every scenario on REF's app and this tree's, one run.

The base is checked out into a temporary git worktree (bench/compare.py); both
apps are driven by this checkout's scenarios, seeding and wrk script, in
alternating rounds, so that only the app differs. At 100 items the original
seed-000 API's unpaginated list (bench/seed_api.py) is measured beside "list a
page" as a reference.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.compare import MAX_LOSS_PERCENT, base_worktree, best, change_percent, loses
from bench.databases import add_history_rows, prepare_instance
from bench.scenarios import HISTORY_ROWS, LIST_PAGE_SHARE, READS, SIZES, WRITES
from bench.servers import (
    API,
    PAIRED_ROUNDS,
    ROOT,
    SEED_API,
    gunicorn,
    interleaved,
    seed,
    target_checker,
    wrk,
)


@contextmanager
def seed_reference(work: Path, items: int):
    """Serve bench/seed_api.py with ``items`` items; yield (url, cookie, max id)."""
    database = work / "seed-000.db"
    env = {"SEED_DATABASE": str(database)}
    subprocess.run(
        [sys.executable, "-m", "bench.seed_api"],
        cwd=ROOT,
        env=os.environ | env,
        check=True,
        capture_output=True,
    )
    with gunicorn(SEED_API, env, work / "seed-000.log") as url:
        yield (url, *seed(url, items))


def compare_size(items: int, base_root: Path, work: Path, floor_rps: float) -> dict:
    """Measure every scenario on the base and the current tree; return them by label."""
    results = {}
    with ExitStack() as servers:
        sides, databases = {}, []
        for side, root in (("base", base_root), ("current", ROOT)):
            instance = work / f"{side}-{items}"
            env = prepare_instance(instance, root)
            url = servers.enter_context(gunicorn(API, env, work / f"{side}.log", root))
            sides[side] = (url, *seed(url, items), None)
            databases.append(instance / "inventory.db")
        reference = None
        if items == SIZES[0]:
            url, cookie, max_id = servers.enter_context(seed_reference(work, items))
            reference = (url, cookie, max_id, "/inventory")
        for name, method, path, body in READS + WRITES:
            contestants = sides
            if name == "list a page" and reference:
                contestants = sides | {"seed-000": reference}
            label = f"{name} @ {items} items"
            results[label] = interleaved(contestants, method, path, body, PAIRED_ROUNDS)
            report_comparison(label, results[label], floor_rps)
        if items == max(SIZES):
            try:
                for database in databases:
                    add_history_rows(database, HISTORY_ROWS)
            except sqlite3.OperationalError as error:
                # A base from before the history counter has another schema.
                print(f"  history @ 1M rows: not measured ({error})")
                return results
            _, method, path, _ = READS[2]
            label = "history @ 1M rows"
            results[label] = interleaved(sides, method, path, None, PAIRED_ROUNDS)
            report_comparison(label, results[label], floor_rps)
    return results


def answered(result: dict) -> bool:
    """Say whether every request of a measurement got a 2xx answer."""
    return result["requests"] > 0 and result["non2xx"] == 0


def report_comparison(label: str, sides: dict, floor_rps: float) -> None:
    """Print one scenario: each side's ratio to the floor, and the change."""
    base, current = sides["base"], sides["current"]
    if answered(base) and answered(current):
        change = f"{change_percent(current['rps'], base['rps']):+6.1f}%"
    else:
        change = "   n/a  (non-2xx answers)"
    print(
        f"  {label:<28}"
        f" current {current['rps'] / floor_rps:5.2f}x ({current['rps']:>5.0f} req/s)"
        f"  base {base['rps'] / floor_rps:5.2f}x ({base['rps']:>5.0f} req/s)"
        f"  {change}",
        flush=True,
    )
    if "seed-000" in sides:
        seed = sides["seed-000"]
        print(
            f"  {'  reference: seed-000 API':<28}"
            f" {seed['rps'] / floor_rps:5.2f}x floor ({seed['rps']:.0f} req/s),"
            f" GET /inventory, all {SIZES[0]} items unpaginated",
            flush=True,
        )


def check_comparison(results: dict, floor_rps: float) -> list[str]:
    """Return the comparison's failed targets (empty when all hold)."""
    failures, require = target_checker()

    for label, sides in results.items():
        base, current = sides["base"], sides["current"]
        if not answered(current):
            require(False, f"{label}: {current['non2xx']} non-2xx answers")
        elif not answered(base):
            print(f"  [n/a] {label}: the base answered non-2xx, nothing to compare")
        else:
            change = change_percent(current["rps"], base["rps"])
            require(
                not loses(current["rps"], base["rps"]),
                f"{label}: {change:+.1f}% against the base"
                f" (loses at most {MAX_LOSS_PERCENT:.0f}%)",
            )
    for items in SIZES:
        share = results[f"list a page @ {items} items"]["current"]["rps"] / floor_rps
        require(
            share >= LIST_PAGE_SHARE,
            f"list a page @ {items} items: {share:.2f}x floor (>= {LIST_PAGE_SHARE})",
        )
    small = results[f"list a page @ {SIZES[0]} items"]
    if "seed-000" in small:
        ours, seed = small["current"]["rps"], small["seed-000"]["rps"]
        require(
            ours > seed,
            f"list a page @ {SIZES[0]} items ahead of the seed-000 API's list"
            f" ({ours / floor_rps:.2f}x against {seed / floor_rps:.2f}x floor)",
        )
    return failures


def compare_with_base(ref: str) -> int:
    """Measure REF's app and the current tree's in one run; return the exit status."""
    work = Path(tempfile.mkdtemp(prefix="inventory-bench-"))
    try:
        with base_worktree(ref, ROOT) as base_root:
            described = subprocess.run(
                ["git", "log", "-1", "--format=%h %s"],
                cwd=base_root,
                capture_output=True,
                text=True,
            ).stdout.strip()
            print(
                f"base: {ref} ({described});"
                f" {PAIRED_ROUNDS} rounds per side, best counts"
            )
            with gunicorn("bench.floor:app", {}, work / "floor.log") as floor_base:
                floor = best(
                    [
                        wrk(floor_base, "GET", "/item", None, None, 1)
                        for _ in range(PAIRED_ROUNDS)
                    ]
                )
            print(
                f"  {'floor: bare Flask, constant item':<28} {floor['rps']:>6.0f} req/s"
            )
            results = {}
            for items in SIZES:
                results |= compare_size(items, base_root, work, floor["rps"])
        print("Targets:")
        failures = check_comparison(results, floor["rps"])
        print(f"{len(failures)} target(s) missed." if failures else "All targets met.")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)
