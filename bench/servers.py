"""What every bench run is made of: its settings, the servers, the seeding, wrk.

bench/run.py (``make bench``), bench/against_base.py (``make bench BASE=``) and
bench/scale_out.py start the API, the floor and the seed-000 reference under
gunicorn with these settings, seed them over HTTP and drive them with wrk.
"""

import functools
import json
import os
import runpy
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import requests

from bench.compare import best
from bench.csv_import import (
    register_and_log_in,
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
# Rounds per side where two sides are held to a target against each other:
# every scenario within 5% of a base commit, PostgreSQL + Redis at 0.7x of
# SQLite. Single rounds of one scenario spread over about 10% on this machine,
# so more rounds per side bring each side's best nearer its true best.
PAIRED_ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))


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


def target_checker() -> tuple[list[str], Callable[[bool, str], None]]:
    """Return the missed targets' list and ``require``, which prints each target
    as [ok] or [FAIL] and adds the missed ones to that list."""
    failures: list[str] = []

    def require(condition: bool, text: str) -> None:
        print(f"  [{'ok' if condition else 'FAIL'}] {text}")
        if not condition:
            failures.append(text)

    return failures, require


def interleaved(
    sides: dict, method: str, path: str, body: str | None, rounds: int = ROUNDS
) -> dict:
    """Measure each side ``rounds`` times, alternating; return each side's best round.

    ``sides`` maps a name to (url, cookie, max id, path or None for ``path``).
    """
    return alternating(
        {
            name: functools.partial(
                wrk, url, method, own_path or path, body, cookie, max_id
            )
            for name, (url, cookie, max_id, own_path) in sides.items()
        },
        rounds,
    )


def alternating(
    measurements: dict[str, Callable[[], dict]], rounds: int = ROUNDS
) -> dict:
    """Run each measurement ``rounds`` times, alternating; return the best of each.

    The order flips every round (A B, B A, ...), so a machine that slows down
    or speeds up during the scenario weighs on every side alike.
    """
    results = {name: [] for name in measurements}
    order = list(measurements)
    for _ in range(rounds):
        for name in order:
            results[name].append(measurements[name]())
        order.reverse()
    return {name: best(each) for name, each in results.items()}
