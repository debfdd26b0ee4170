"""``make bench``: the API under gunicorn, driven by wrk, as ratios to a Flask floor.

For each inventory size (100 and 10 000 items) it starts the API and the floor
app (bench/floor.py) under the same gunicorn settings, seeds the data through
the API, and measures each endpoint with wrk. History is also measured with
1 000 000 history rows. Every figure is printed as a ratio to the floor, and
the targets from docs/BENCHMARKS.md are checked at the end.

``bench/run.py ceiling`` (``make bench-ceiling``) measures only the stock
movement: the API's, and bench/ceiling.py's (the same transaction with none of
the API's per-request work), to show what the stack itself reaches for a write.

Settings (environment): BENCH_SECONDS (per measurement, default 8),
BENCH_CONNECTIONS (default 16), WEB_CONCURRENCY and GUNICORN_THREADS (the
gunicorn settings, defaults from gunicorn.conf.py), BENCH_DATABASE_URL (default:
a fresh SQLite file).
"""

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
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
# The floor and the API run with the same number of workers: the one
# gunicorn.conf.py picks for the database under test, unless set.
WORKERS = os.environ.get("WEB_CONCURRENCY") or str(
    runpy.run_path(str(ROOT / "gunicorn.conf.py"))["default_workers"](DATABASE_URL)
)
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SIZES = (100, 10_000)
HISTORY_ROWS = 1_000_000
PASSWORD = "bench-pass-1"
# `bench/run.py ceiling`: only the stock movement, the API's and bench/ceiling.py's.
CEILING = sys.argv[1:] == ["ceiling"]

SCENARIOS = [
    ("get one item", "GET", "/inventory/{id}", None),
    ("list a page", "GET", "/inventory?page=1&per_page=50", None),
    ("history", "GET", "/history?page=1&per_page=50", None),
    (
        "update",
        "PUT",
        "/inventory/{id}",
        '{"quantity": 500, "description": "bench {n}"}',
    ),
    (
        "stock movement",
        "POST",
        "/inventory/{id}/stock",
        '{"change": {sign}, "reason": "adjustment"}',
    ),
    (
        "create",
        "POST",
        "/inventory",
        '{"item_name": "Bench {n}", "quantity": 500, "price": 9.99}',
    ),
]
WRITES = ("update", "stock movement", "create")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app: str, env: dict[str, str], log: Path):
    """Run ``app`` under gunicorn.conf.py's settings; yield its base URL."""
    port = free_port()
    env = os.environ | env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": WORKERS}
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", app],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=log_file,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                probe = base + ("/health" if "create_app" in app else "/item")
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
    """Register, log in and create ``items`` items through the API."""
    session = requests.Session()
    body = {"username": "bench", "email": "bench@example.com", "password": PASSWORD}
    session.post(f"{base}/register", json=body).raise_for_status()
    session.post(
        f"{base}/login", json={"username": "bench", "password": PASSWORD}
    ).raise_for_status()
    cookie = f"session={session.cookies['session']}"

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
    """Top the history table up to ``total`` rows (the bench user's own)."""
    connection = sqlite3.connect(database)
    (existing,) = connection.execute("SELECT count(*) FROM history").fetchone()
    (user_id,) = connection.execute(
        "SELECT id FROM users WHERE username = 'bench'"
    ).fetchone()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = (
        (user_id, "stock", "item", 1 + n % 1000, f"Item {n % 1000}", now)
        for n in range(total - existing)
    )
    connection.executemany(
        "INSERT INTO history"
        " (user_id, action_type, entity_type, entity_id, entity_name,"
        " timestamp) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    # Keep the per-user count exact, as record_history() does.
    connection.execute(
        "UPDATE users SET history_count = (SELECT count(*) FROM history"
        " WHERE history.user_id = users.id) WHERE id = ?",
        (user_id,),
    )
    connection.commit()
    connection.close()


def measure_size(items: int, work: Path, floor_rps: float) -> dict:
    instance = work / f"instance-{items}"
    env = prepare_instance(instance)
    results = {}
    with gunicorn("app:create_app()", env, work / "api.log") as base:
        cookie, max_id = seed(base, items)
        for name, method, path, body in SCENARIOS:
            results[name] = wrk(base, method, path, body, cookie, max_id)
            report(f"{name} @ {items} items", results[name], floor_rps)
        if items == max(SIZES) and not DATABASE_URL:
            add_history_rows(instance / "inventory.db", HISTORY_ROWS)
            results["history @ 1M rows"] = wrk(
                base, "GET", SCENARIOS[2][2], None, cookie, max_id
            )
            report("history @ 1,000,000 rows", results["history @ 1M rows"], floor_rps)
    return results


def measure_ceiling(work: Path, floor_rps: float) -> None:
    """The API's stock movement, then bench/ceiling.py's, on the same data."""
    instance = work / "instance-ceiling"
    env = prepare_instance(instance)
    _, method, path, body = next(s for s in SCENARIOS if s[0] == "stock movement")
    with gunicorn("app:create_app()", env, work / "api.log") as base:
        cookie, max_id = seed(base, SIZES[0])
        result = wrk(base, method, path, body, cookie, max_id)
        report(f"stock movement @ {SIZES[0]} items, API", result, floor_rps)
    for driver in ("sqlalchemy", "sqlite3"):
        ceiling_env = {
            "CEILING_DATABASE": str(instance / "inventory.db"),
            "CEILING_DRIVER": driver,
        }
        with gunicorn("bench.ceiling:app", ceiling_env, work / "ceiling.log") as base:
            result = wrk(base, method, path, body, None, max_id)
            report(f"  ceiling, {driver}", result, floor_rps)


def prepare_instance(instance: Path) -> dict[str, str]:
    """Build an empty schema for one measurement; return the API's environment."""
    env = {
        "APP_ENV": "development",
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(instance),
        "FLASK_RATELIMIT_ENABLED": "false",
        "FLASK_BCRYPT_LOG_ROUNDS": "4",
        # Always explicit, so that a DATABASE_URL in .env is never benchmarked.
        "DATABASE_URL": DATABASE_URL or f"sqlite:///{instance / 'inventory.db'}",
    }
    # A fresh schema for each size (a SQLite file is new anyway).
    steps = (["downgrade", "base"], ["upgrade"]) if DATABASE_URL else (["upgrade"],)
    for step in steps:
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", "db", *step],
            cwd=ROOT,
            env=os.environ | env,
            check=True,
            capture_output=True,
        )
    return env


def report(label: str, result: dict, floor_rps: float) -> None:
    print(
        f"  {label:<34} {result['rps']:>8.0f} req/s"
        f"  {result['rps'] / floor_rps:5.2f}x floor"
        f"  p50 {result['p50_us'] / 1000:6.1f} ms"
        f"  p99 {result['p99_us'] / 1000:6.1f} ms"
        f"  non-2xx {result['non2xx']}  errors {result['socket_errors']}",
        flush=True,
    )


def check_targets(floor: dict, small: dict, large: dict) -> list[str]:
    """Return the failed targets (empty when all hold)."""
    failures = []

    def require(condition: bool, text: str) -> None:
        print(f"  [{'ok' if condition else 'FAIL'}] {text}")
        if not condition:
            failures.append(text)

    require(
        large["get one item"]["rps"] >= 0.5 * floor["rps"], "get one item >= 0.5x floor"
    )
    for name in ("list a page", "history"):
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
    for name in WRITES:
        for size, results in (("100", small), ("10 000", large)):
            result = results[name]
            require(
                result["rps"] >= 0.25 * floor["rps"], f"{name} @ {size}: >= 0.25x floor"
            )
            require(
                result["p99_us"] < 10 * result["p50_us"],
                f"{name} @ {size}: p99 < 10x p50",
            )
    return failures


def main() -> int:
    if CEILING and DATABASE_URL:
        print("The ceiling is measured on SQLite only.", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="inventory-bench-"))
    print(
        f"gunicorn: {WORKERS} workers,"
        f" {os.environ.get('GUNICORN_THREADS', '1')} threads each;"
        f" wrk: 2 threads, {CONNECTIONS} connections, {SECONDS} s per measurement"
    )
    try:
        with gunicorn("bench.floor:app", {}, work / "floor.log") as floor_base:
            floor = wrk(floor_base, "GET", "/item", None, None, 1)
        print(
            f"  {'floor: bare Flask, constant item':<34} {floor['rps']:>8.0f} req/s"
            f"  p50 {floor['p50_us'] / 1000:6.1f} ms"
            f"  p99 {floor['p99_us'] / 1000:6.1f} ms"
        )
        if CEILING:
            measure_ceiling(work, floor["rps"])
            return 0
        results = {size: measure_size(size, work, floor["rps"]) for size in SIZES}
        print("Targets:")
        failures = check_targets(floor, results[SIZES[0]], results[SIZES[1]])
        (work / "results.json").write_text(
            json.dumps({"floor": floor, **results}, indent=2)
        )
        print(f"{len(failures)} target(s) missed." if failures else "All targets met.")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
