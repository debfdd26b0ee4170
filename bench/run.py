"""``make bench``: the API under gunicorn, driven by wrk, against a floor and a ceiling.

For each inventory size (100 and 10 000 items) it starts the API and the floor
app (bench/floor.py) under the same gunicorn settings, seeds the data through
the API, and measures each endpoint with wrk. History is also measured with
1 000 000 history rows. The dashboard's home and items pages are measured too,
and each must stay at 0.9x or more of its 100-item speed at 10 000 items.
Every figure is printed as a ratio to the floor.

Writes are also printed as a ratio to the ceiling (bench/ceiling.py): a stock
movement's durable transaction run through the API's own functions with none
of the API's per-request work, measured at each size in the same run on the
same database, under the same gunicorn settings. It is what the stack itself
reaches for a write on the machine at hand, so the write target is set against
it rather than against the floor.

Last, the import scenario (bench/csv_import.py): one user imports a CSV at the
import cap while another sends single creates, timing the import and how long
each single write waits meanwhile. The targets from docs/BENCHMARKS.md are
checked at the end.

``python -m bench.run ceiling`` (``make bench-ceiling``) measures only the stock
movement: the API's, and the ceiling's through SQLAlchemy and on the sqlite3
driver. ``python -m bench.run import`` runs only the import scenario.

``python -m bench.run --base REF`` (``make bench BASE=REF``) compares: it checks
REF out into a temporary git worktree (bench/compare.py) and measures every
scenario for REF's app and the current tree's in the same run, alternating
between them, then prints each one's ratio to the floor and the change, and
checks that no scenario lost more than 5%. Both apps are driven by this
checkout's scenarios, seeding and wrk script, so only the app differs. At 100
items, the original seed-000 API's unpaginated list (bench/seed_api.py) is
measured beside "list a page" as a reference.

Settings (environment): BENCH_SECONDS (per measurement, default 8),
BENCH_CONNECTIONS (default 16), BENCH_IMPORT_ROWS (default 10 000, the import
cap), BENCH_ROUNDS (with --base: measurements of each side per scenario, the
best counts; default 2), WEB_CONCURRENCY and GUNICORN_THREADS (the gunicorn
settings, defaults from gunicorn.conf.py), BENCH_DATABASE_URL (default: a
fresh SQLite file; the ceiling and --base run on SQLite only).

Last of a full run, the scale-out configuration (bench/scale_out.py): every
scenario on PostgreSQL + Redis, started by scripts/services.sh, beside the
same scenario on SQLite, with the round trips each request makes.
``python -m bench.run scale-out`` runs only that part.
"""

import argparse
import json
import os
import runpy
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from datetime import datetime, timezone
from pathlib import Path

import psycopg
import requests

from bench.compare import MAX_LOSS_PERCENT, base_worktree, best, change_percent, loses
from bench.csv_import import (
    ImportResult,
    measure_import,
    percentile,
    register_and_log_in,
    statuses,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API = "app:create_app()"
SEED_API = "bench.seed_api:app"
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
GUNICORN_CONF = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
# The floor, the ceiling and the API run with the same number of workers: the
# one gunicorn.conf.py picks for the database under test, unless set.
WORKERS = os.environ.get("WEB_CONCURRENCY") or str(
    GUNICORN_CONF["default_workers"](DATABASE_URL)
)
THREADS = str(GUNICORN_CONF["threads"])
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SIZES = (100, 10_000)
HISTORY_ROWS = 1_000_000
# The import scenario imports as many rows as one request may carry (the cap,
# CSV_IMPORT_MAX_ROWS in the API's configuration).
IMPORT_ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "10000"))

# (name, method, path, body): path's {id} is a random item; body's {n} a
# unique number, {sign} 1 or -1 (bench/request.lua).
READS = [
    ("get one item", "GET", "/inventory/{id}", None),
    ("list a page", "GET", "/inventory?page=1&per_page=50", None),
    ("history", "GET", "/history?page=1&per_page=50", None),
    # The dashboard's pages: the home page's totals and lists, and a page of
    # the items table, must not slow down as the inventory grows.
    ("home page", "GET", "/app/", None),
    ("items page", "GET", "/app/items", None),
]
STOCK_MOVEMENT = (
    "stock movement",
    "POST",
    "/inventory/{id}/stock",
    '{"change": {sign}, "reason": "adjustment"}',
)
WRITES = [
    (
        "update",
        "PUT",
        "/inventory/{id}",
        '{"quantity": 500, "description": "bench {n}"}',
    ),
    STOCK_MOVEMENT,
    (
        "create",
        "POST",
        "/inventory",
        '{"item_name": "Bench {n}", "quantity": 500, "price": 9.99}',
    ),
]
# The write targets (docs/BENCHMARKS.md): each write reaches this share of the
# ceiling measured in the same run, with p99 under this multiple of p50.
CEILING_SHARE = 0.85
TAIL_FACTOR = 3
# Issue 11's list target: a page of 50 at this share of the floor, both sizes.
LIST_PAGE_SHARE = 0.25


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], log: Path, root: Path = ROOT, workers: str = WORKERS
):
    """Run ``app`` from ``root`` under its gunicorn.conf.py; yield its base URL.

    The worker and thread counts are forced through the environment, so a base
    checkout (``--base``) runs with the same settings as the current tree even
    where its gunicorn.conf.py differs; its worker class stays its own code.
    """
    port = free_port()
    env = os.environ | env
    env |= {
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": workers,
        "GUNICORN_THREADS": THREADS,
        # One connection per request, as clients behind a proxy arrive: with
        # keep-alive, each of wrk's 16 connections stays with the worker that
        # accepted it, and an uneven split (say 12 and 4) halves or doubles a
        # scenario's throughput from one measurement to the next.
        "GUNICORN_KEEPALIVE": "0",
    }
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", app],
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=log_file,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            if process.poll() is not None:
                tail = log.read_text(errors="replace").splitlines()[-15:]
                raise RuntimeError(
                    f"{app} in {root} did not start:\n" + "\n".join(tail)
                )
            try:
                probe = base + ("/health" if app in (API, SEED_API) else "/item")
                if requests.get(probe, timeout=2).ok:
                    break
            except requests.RequestException:
                pass  # not listening, or a worker still booting
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def seed(base: str, items: int) -> tuple[str, int]:
    """Register and log in "bench", create ``items`` items; return cookie and max id."""
    cookie = register_and_log_in(base, "bench")

    def create(number: int) -> int:
        response = requests.post(
            f"{base}/inventory",
            json={
                "item_name": f"Item {number}",
                "quantity": 500,
                "price": 9.99,
                "sku": f"SKU-{number}",
                "metadata": {"tags": ["bench"]},
            },
            headers={"Cookie": cookie},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()["item_id"]

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(create, range(items)))
    return cookie, max(ids)


def wrk(
    base: str, method: str, path: str, body: str | None, cookie: str | None, max_id: int
) -> dict:
    env = os.environ | {
        "BENCH_METHOD": method,
        "BENCH_PATH": path,
        "BENCH_ID_MIN": "1",
        "BENCH_ID_MAX": str(max_id),
        "BENCH_COOKIE": cookie or "",
    }
    if body:
        env["BENCH_BODY"] = body
    else:
        env.pop("BENCH_BODY", None)
    output = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "request.lua"),
            base + path.replace("{id}", "1"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def add_history_rows(database: Path, total: int) -> None:
    """Top the history table up to ``total`` rows (the bench user's own).

    Works on the schema before teams too, for a base commit (--base).
    """
    connection = sqlite3.connect(database)
    (existing,) = connection.execute("SELECT count(*) FROM history").fetchone()
    (user_id,) = connection.execute(
        "SELECT id FROM users WHERE username = 'bench'"
    ).fetchone()
    columns = {row[1] for row in connection.execute("PRAGMA table_info(history)")}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if "team_id" in columns:
        (team_id,) = connection.execute(
            "SELECT team_id FROM memberships WHERE user_id = ?", (user_id,)
        ).fetchone()
        owner, owner_column, counted = team_id, "team_id", "teams"
    else:
        owner, owner_column, counted = user_id, None, "users"
    rows = (
        (*((owner,) if owner_column else ()), user_id, "stock", "item",
         1 + n % 1000, f"Item {n % 1000}", now)
        for n in range(total - existing)
    )  # fmt: skip
    prefix = f"{owner_column}, " if owner_column else ""
    marks = "?, " if owner_column else ""
    connection.executemany(
        f"INSERT INTO history ({prefix}user_id, action_type, entity_type,"
        f" entity_id, entity_name, timestamp) VALUES ({marks}?, ?, ?, ?, ?, ?)",
        rows,
    )
    # Keep the count exact, as record_history() does: the team's (the user's
    # before teams).
    key = "team_id" if owner_column else "user_id"
    connection.execute(
        f"UPDATE {counted} SET history_count = (SELECT count(*) FROM history"
        f" WHERE history.{key} = {counted}.id) WHERE id = ?",
        (owner,),
    )
    connection.commit()
    connection.close()


def ceiling(instance: Path, driver: str, max_id: int, work: Path) -> dict:
    """Measure bench/ceiling.py's stock movement on ``instance``'s seeded database."""
    _, method, path, body = STOCK_MOVEMENT
    env = {
        "CEILING_DATABASE": str(instance / "inventory.db"),
        "CEILING_DRIVER": driver,
    }
    with gunicorn("bench.ceiling:app", env, work / "ceiling.log") as base:
        return wrk(base, method, path, body, None, max_id)


def measure_size(items: int, work: Path, floor_rps: float) -> dict:
    """Measure every scenario on ``items`` seeded items; return the results by name."""
    instance = work / f"instance-{items}"
    env = prepare_instance(instance)
    results = {}
    with gunicorn(API, env, work / "api.log") as base:
        cookie, max_id = seed(base, items)
        for name, method, path, body in READS:
            results[name] = wrk(base, method, path, body, cookie, max_id)
            report(f"{name} @ {items} items", results[name], floor_rps)
        for name, method, path, body in WRITES:
            # The ceiling runs on the same data right before each write, so
            # both meet the database in the same state: every write grows the
            # tables and the write-ahead log that the next one works on.
            # (The API's workers sit idle meanwhile.)
            ceiling_rps = None
            if not DATABASE_URL:
                measured = ceiling(instance, "sqlalchemy", max_id, work)
                results.setdefault("ceiling", measured)
                results[f"ceiling before {name}"] = measured
                report(f"ceiling @ {items} items", measured, floor_rps)
                ceiling_rps = measured["rps"]
            results[name] = wrk(base, method, path, body, cookie, max_id)
            report(f"{name} @ {items} items", results[name], floor_rps, ceiling_rps)
        if items == max(SIZES) and not DATABASE_URL:
            add_history_rows(instance / "inventory.db", HISTORY_ROWS)
            _, method, path, _ = READS[2]
            results["history @ 1M rows"] = wrk(base, method, path, None, cookie, 1)
            report("history @ 1,000,000 rows", results["history @ 1M rows"], floor_rps)
    return results


def measure_ceiling_only(work: Path, floor_rps: float) -> None:
    """Measure the API's stock movement, then the ceiling's on both drivers."""
    instance = work / "instance-ceiling"
    env = prepare_instance(instance)
    _, method, path, body = STOCK_MOVEMENT
    with gunicorn(API, env, work / "api.log") as base:
        cookie, max_id = seed(base, SIZES[0])
        result = wrk(base, method, path, body, cookie, max_id)
    ceilings = {
        driver: ceiling(instance, driver, max_id, work)
        for driver in ("sqlalchemy", "sqlite3")
    }
    for driver, ceiling_result in ceilings.items():
        report(f"ceiling, {driver}", ceiling_result, floor_rps)
    # The API's figure last, against the ceiling the target refers to.
    report(
        f"stock movement @ {SIZES[0]} items, API",
        result,
        floor_rps,
        ceilings["sqlalchemy"]["rps"],
    )


def measure_import_at_cap(work: Path) -> ImportResult:
    """Import IMPORT_ROWS rows as one user while another sends single creates."""
    print(f"Import at the cap: {IMPORT_ROWS} rows, another user writing meanwhile")
    env = prepare_instance(work / "instance-import")
    with gunicorn(API, env, work / "api.log") as base:
        writer, _ = seed(base, SIZES[0])  # "bench", the single writer
        importer = register_and_log_in(base, "bench_import")
        result = measure_import(base, importer, writer, IMPORT_ROWS)
    report_import(result)
    return result


def prepare_instance(
    instance: Path, root: Path = ROOT, database_url: str = DATABASE_URL
) -> dict[str, str]:
    """Build an empty schema by ``root``'s migrations; return the API's environment."""
    env = {
        "APP_ENV": "development",
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(instance),
        "FLASK_RATELIMIT_ENABLED": "false",
        "FLASK_BCRYPT_LOG_ROUNDS": "4",
        # Always explicit, so that a DATABASE_URL in .env is never benchmarked.
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'inventory.db'}",
        "SESSION_TYPE": "cachelib",  # bench/scale_out.py sets redis
    }
    # A fresh schema for each size (a SQLite file is new anyway). The teams
    # migration refuses to downgrade, so the old schema is dropped whole.
    if database_url:
        empty_database(database_url)
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=root,
        env=os.environ | env,
        check=True,
        capture_output=True,
    )
    return env


def empty_database(url: str) -> None:
    """Drop every table, sequence and function of PostgreSQL's public schema."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def report(
    label: str, result: dict, floor_rps: float, ceiling_rps: float | None = None
) -> None:
    """Print one wrk measurement; writes also as a ratio to the ceiling."""
    to_ceiling = (
        f"{result['rps'] / ceiling_rps:5.2f}x ceiling" if ceiling_rps else " " * 13
    )
    print(
        f"  {label:<34} {result['rps']:>8.0f} req/s"
        f"  {result['rps'] / floor_rps:5.2f}x floor  {to_ceiling}"
        f"  p50 {result['p50_us'] / 1000:6.1f} ms"
        f"  p99 {result['p99_us'] / 1000:6.1f} ms"
        f"  non-2xx {result['non2xx']}  errors {result['socket_errors']}",
        flush=True,
    )


def report_import(result: ImportResult) -> None:
    """Print the import's duration and the single writes' latency around it."""
    print(
        f"  {f'import of {result.rows} rows':<34} status {result.status},"
        f" {result.created} created in {result.seconds:.2f} s"
        f" ({result.rows_per_second:.0f} rows/s)"
    )
    for label, timed in (
        ("single creates alone", result.alone),
        ("single creates during the import", result.during),
    ):
        failed = sum(n for status, n in statuses(timed).items() if status != 201)
        print(
            f"  {label:<34} {len(timed):>5} sent"
            f"  p50 {percentile(timed, 50) * 1000:7.1f} ms"
            f"  p99 {percentile(timed, 99) * 1000:7.1f} ms"
            f"  max {percentile(timed, 100) * 1000:7.1f} ms  non-201 {failed}",
            flush=True,
        )


def target_checker() -> tuple[list[str], Callable[[bool, str], None]]:
    """Return the missed targets' list and ``require``, which prints each target
    as [ok] or [FAIL] and adds the missed ones to that list."""
    failures: list[str] = []

    def require(condition: bool, text: str) -> None:
        print(f"  [{'ok' if condition else 'FAIL'}] {text}")
        if not condition:
            failures.append(text)

    return failures, require


def check_targets(
    floor: dict, small: dict, large: dict, imported: ImportResult
) -> list[str]:
    """Return the failed targets (empty when all hold)."""
    failures, require = target_checker()

    require(
        large["get one item"]["rps"] >= 0.5 * floor["rps"], "get one item >= 0.5x floor"
    )
    for name in ("list a page", "history", "home page", "items page"):
        ratio = large[name]["rps"] / small[name]["rps"]
        require(
            ratio >= 0.9, f"{name}: 10 000 items at {ratio:.2f}x of 100 items (>= 0.9)"
        )
    if "history @ 1M rows" in large:
        ratio = large["history @ 1M rows"]["rps"] / small["history"]["rps"]
        require(
            ratio >= 0.9,
            f"history: 1 000 000 rows at {ratio:.2f}x of 100 items (>= 0.9)",
        )
    for name, *_ in WRITES:
        for size, results in (("100", small), ("10 000", large)):
            result = results[name]
            if "ceiling" in results:
                share = result["rps"] / results[f"ceiling before {name}"]["rps"]
                require(
                    share >= CEILING_SHARE,
                    f"{name} @ {size}: {share:.2f}x ceiling (>= {CEILING_SHARE})",
                )
            tail = result["p99_us"] / result["p50_us"]
            require(
                tail < TAIL_FACTOR,
                f"{name} @ {size}: p99 {tail:.1f}x p50 (< {TAIL_FACTOR})",
            )
    if "ceiling" not in small:
        print("  [n/a] writes against the ceiling: the ceiling runs on SQLite only")
    # The import has no speed target; these say its figures mean something.
    require(
        imported.status == 200 and imported.created == imported.rows,
        f"import of {imported.rows} rows applied (200, all created)",
    )
    require(
        set(statuses(imported.during)) <= {201},
        "single creates during the import all succeeded (201)",
    )
    return failures


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


def interleaved(sides: dict, method: str, path: str, body: str | None) -> dict:
    """Measure each side ROUNDS times, alternating; return each side's best round.

    ``sides`` maps a name to (url, cookie, max id, path or None for ``path``).
    The order flips every round (A B, B A, ...), so a machine that slows down
    or speeds up during the scenario weighs on every side alike.
    """
    rounds = {name: [] for name in sides}
    order = list(sides)
    for _ in range(ROUNDS):
        for name in order:
            url, cookie, max_id, own_path = sides[name]
            result = wrk(url, method, own_path or path, body, cookie, max_id)
            rounds[name].append(result)
        order.reverse()
    return {name: best(results) for name, results in rounds.items()}


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
            results[label] = interleaved(contestants, method, path, body)
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
            results[label] = interleaved(sides, method, path, None)
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
            print(f"base: {ref} ({described}); {ROUNDS} rounds per side, best counts")
            with gunicorn("bench.floor:app", {}, work / "floor.log") as floor_base:
                floor = best(
                    [
                        wrk(floor_base, "GET", "/item", None, None, 1)
                        for _ in range(ROUNDS)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "only",
        nargs="?",
        choices=("ceiling", "import", "scale-out"),
        help="run only the stock movement against the ceiling, only the import,"
        " or only PostgreSQL + Redis against SQLite",
    )
    parser.add_argument(
        "--base",
        metavar="REF",
        help="compare with the app at git REF, measured in the same run",
    )
    arguments = parser.parse_args()
    only = arguments.only
    if arguments.base and (only or DATABASE_URL):
        print("--base compares the full scenarios on SQLite only.", file=sys.stderr)
        return 2
    if only in ("ceiling", "scale-out") and DATABASE_URL:
        print(
            f"{only} compares with SQLite: unset BENCH_DATABASE_URL.", file=sys.stderr
        )
        return 2
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    print(
        f"gunicorn: {WORKERS} workers,"
        f" {THREADS} threads each;"
        f" wrk: 2 threads, {CONNECTIONS} connections, {SECONDS} s per measurement"
    )
    if arguments.base:
        return compare_with_base(arguments.base)
    work = Path(tempfile.mkdtemp(prefix="inventory-bench-"))
    try:
        if only == "import":
            imported = measure_import_at_cap(work)
            return 0 if imported.created == imported.rows else 1
        with gunicorn("bench.floor:app", {}, work / "floor.log") as floor_base:
            floor = wrk(floor_base, "GET", "/item", None, None, 1)
        print(
            f"  {'floor: bare Flask, constant item':<34} {floor['rps']:>8.0f} req/s"
            f"  p50 {floor['p50_us'] / 1000:6.1f} ms"
            f"  p99 {floor['p99_us'] / 1000:6.1f} ms"
        )
        if only == "ceiling":
            measure_ceiling_only(work, floor["rps"])
            return 0
        from bench import scale_out  # it builds on this module's functions

        if only == "scale-out":
            failures = scale_out.measure(work, floor["rps"])
            print(f"{len(failures)} target(s) missed." if failures else "All met.")
            return 1 if failures else 0
        results = {size: measure_size(size, work, floor["rps"]) for size in SIZES}
        imported = measure_import_at_cap(work)
        print("Targets:")
        failures = check_targets(floor, results[SIZES[0]], results[SIZES[1]], imported)
        if not DATABASE_URL:
            # The same scenarios on PostgreSQL + Redis, beside SQLite's.
            failures += scale_out.measure(work, floor["rps"])
        print(f"{len(failures)} target(s) missed." if failures else "All targets met.")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
