"""``make bench``'s second configuration: PostgreSQL + Redis beside SQLite + files.

A shop that outgrows one SQLite file moves to PostgreSQL for the data and
Redis for the sessions and rate limits, by configuration alone. This part of
the benchmark starts both with ``scripts/services.sh`` (durable settings:
``fsync=on``; Redis keeps sessions in memory, as it would in production),
runs the API once on each configuration with the worker count
gunicorn.conf.py picks for it, seeds both with the same items, lets the
seeding's deferred writes land (bench.databases.settle), and measures every
scenario on both in the same run, alternating between them (best of
``PAIRED_ROUNDS`` each), as a ratio to the same floor.

The target (issue 14): every scenario on PostgreSQL + Redis reaches
``SHARE`` of the same scenario on SQLite, with p99 at most ``TAIL_FACTOR``
times p50. For each scenario it also prints the round trips one request
makes to PostgreSQL and to Redis (bench/round_trips.py), counted by the
servers.

``python -m bench.run scale-out`` (``make bench-scale-out``) runs only this part.
"""

import os
import subprocess
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import in_process
from bench.databases import prepare_instance, settle
from bench.round_trips import count as count_round_trips
from bench.scenarios import READS, SIZES, WRITES
from bench.servers import (
    API,
    GUNICORN_CONF,
    PAIRED_ROUNDS,
    ROOT,
    gunicorn,
    interleaved,
    seed,
    target_checker,
)

SQLITE = "SQLite + files"
SERVER = "PostgreSQL + Redis"
SHARE = 0.7
TAIL_FACTOR = 3


@contextmanager
def services(work: Path):
    """Start PostgreSQL and Redis for the benchmark; yield (database URL, Redis URL)."""
    # Not under work: initdb runs as the postgres user, who cannot enter it.
    directory = Path(tempfile.mkdtemp(prefix="inventory-bench-services-"))
    env = os.environ | {
        "SERVICES_DIR": str(directory),
        # What a shop's server would run: every commit flushed to disk.
        "PG_FSYNC": "on",
    }
    script = str(ROOT / "scripts" / "services.sh")
    subprocess.run([script, "start"], env=env, check=True, stdout=subprocess.DEVNULL)
    try:
        urls = dict(
            line.split("=", 1)
            for line in (directory / "env").read_text().splitlines()
            if "=" in line
        )
        yield urls["TEST_DATABASE_URL"], urls["TEST_REDIS_URL"]
    finally:
        subprocess.run([script, "stop"], env=env, check=False)


def workers_for(database_url: str) -> str:
    """The worker count the README recommends (gunicorn.conf.py), unless set."""
    return os.environ.get("WEB_CONCURRENCY") or str(
        GUNICORN_CONF["default_workers"](database_url)
    )


def measure(work: Path, floor_rps: float) -> list[str]:
    """Measure every scenario on both configurations; return the missed targets."""
    with services(work) as (database_url, redis_url):
        sqlite_workers, server_workers = workers_for(""), workers_for(database_url)
        print(
            f"{SERVER} against {SQLITE}: {server_workers} and {sqlite_workers}"
            " workers (gunicorn.conf.py); PostgreSQL with fsync=on"
        )
        results = {}
        for items in SIZES:
            results |= measure_size(
                items, work, floor_rps, database_url, redis_url,
                {SQLITE: sqlite_workers, SERVER: server_workers},
            )  # fmt: skip
        # Where the time goes: the API's own CPU and the servers', per request.
        in_process.compare(work, database_url, redis_url)
    print("Targets, scale-out:")
    return check(results)


def measure_size(
    items: int,
    work: Path,
    floor_rps: float,
    database_url: str,
    redis_url: str,
    workers: dict[str, str],
) -> dict:
    """Measure every scenario at ``items`` items on both; return them by label."""
    results = {}
    with ExitStack() as servers:
        sides, databases = {}, []
        for side, url in ((SQLITE, ""), (SERVER, database_url)):
            instance = work / f"scale-out-{side[:6].strip()}-{items}"
            env = prepare_instance(instance, database_url=url)
            if url:
                env |= {
                    "SESSION_TYPE": "redis",
                    "SESSION_REDIS_URL": redis_url,
                    "RATELIMIT_STORAGE_URI": redis_url,
                }
            log = work / f"scale-out-{items}.log"
            base = servers.enter_context(gunicorn(API, env, log, workers=workers[side]))
            sides[side] = (base, *seed(base, items), None)
            databases.append(env["DATABASE_URL"])
        for database in databases:
            settle(database)
        for name, method, path, body in READS + WRITES:
            label = f"{name} @ {items} items"
            # Each side's best of PAIRED_ROUNDS (4), as against a base commit.
            # The target is a ratio of the two sides' bests: with 2 rounds,
            # "get one item" (the scenario nearest it) measured 0.70x in one
            # full run and 0.71-0.76x in the others (docs/BENCHMARKS.md).
            measured = interleaved(sides, method, path, body, PAIRED_ROUNDS)
            trips = None
            if items == SIZES[0]:
                base, cookie, max_id, _ = sides[SERVER]
                trips = count_round_trips(
                    base, database_url, redis_url, method, path, body, cookie, max_id
                )
            results[label] = measured | {"round trips": trips}
            report(label, results[label], floor_rps)
    return results


def report(label: str, result: dict, floor_rps: float) -> None:
    """Print one scenario on both configurations, and the round trips."""
    sqlite, server = result[SQLITE], result[SERVER]
    print(
        f"  {label:<26}"
        f" SQLite {sqlite['rps'] / floor_rps:5.2f}x floor"
        f"  PostgreSQL {server['rps'] / floor_rps:5.2f}x floor"
        f"  = {server['rps'] / sqlite['rps']:4.2f}x SQLite"
        f"  p50 {server['p50_us'] / 1000:5.1f} ms p99 {server['p99_us'] / 1000:5.1f} ms"
        f"  (SQLite p99 {sqlite['p99_us'] / 1000:5.1f} ms)"
        f"  non-2xx {sqlite['non2xx'] + server['non2xx']}",
        flush=True,
    )
    if result["round trips"]:
        print(f"    round trips per request: {result['round trips'].describe()}")


def check(results: dict) -> list[str]:
    """Return the scale-out targets missed (empty when all hold)."""
    failures, require = target_checker()

    for label, result in results.items():
        sqlite, server = result[SQLITE], result[SERVER]
        share = server["rps"] / sqlite["rps"]
        tail = server["p99_us"] / server["p50_us"]
        require(
            share >= SHARE and tail <= TAIL_FACTOR and not server["non2xx"],
            f"{label}: {SERVER} at {share:.2f}x {SQLITE} (>= {SHARE}),"
            f" p99 {tail:.1f}x p50 (<= {TAIL_FACTOR})",
        )
    return failures
