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
REF out into a temporary git worktree (bench/against_base.py, with
bench/compare.py) and measures every
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
import shutil
import sys
import tempfile
from pathlib import Path

from bench.against_base import compare_with_base
from bench.csv_import import (
    ImportResult,
    measure_import,
    register_and_log_in,
    report_import,
    statuses,
)
from bench.scenarios import (
    CEILING_SHARE,
    HISTORY_ROWS,
    IMPORT_ROWS,
    READS,
    SIZES,
    STOCK_MOVEMENT,
    TAIL_FACTOR,
    WRITES,
)
from bench.servers import (
    API,
    CONNECTIONS,
    DATABASE_URL,
    SECONDS,
    THREADS,
    WORKERS,
    add_history_rows,
    gunicorn,
    prepare_instance,
    seed,
    target_checker,
    wrk,
)


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
