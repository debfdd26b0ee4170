"""``make bench``: the API under gunicorn, driven by wrk, against a floor and a ceiling.

For each inventory size (100 and 10 000 items) it starts the API and the floor
app (bench/floor.py) under the same gunicorn settings, seeds the data through
the API, and measures each endpoint with wrk, every figure as a ratio to the
floor. History is also measured with 1 000 000 history rows.

Writes are also printed as a ratio to the ceiling (bench/ceiling.py): a stock
movement's durable transaction run through the API's own functions with none
of the API's per-request work, on the same database under the same gunicorn
settings, taking turns with each write (best round of each). It is what the
stack itself reaches for a write on the machine at hand, so the write target
is set against it rather than against the floor.

Then the import at the cap (bench/csv_import.py) and, last, every scenario on
PostgreSQL + Redis beside SQLite (bench/scale_out.py); the targets from
docs/BENCHMARKS.md are checked at the end. ``python -m bench.run ceiling``,
``import`` or ``scale-out`` runs one part alone; ``--base REF``
(``make bench BASE=REF``) compares with another commit (bench/against_base.py).

Settings (environment): BENCH_SECONDS (per measurement, default 8),
BENCH_CONNECTIONS (default 16), BENCH_IMPORT_ROWS (default 10 000, the import
cap), BENCH_ROUNDS (rounds per side where two take turns; the best counts;
default 2; 4 against a base commit and for PostgreSQL + Redis beside SQLite),
WEB_CONCURRENCY and GUNICORN_THREADS (the gunicorn settings, defaults from
gunicorn.conf.py), BENCH_DATABASE_URL (default: a fresh SQLite file; the
ceiling and --base run on SQLite only).
"""

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from bench.against_base import compare_with_base
from bench.against_ceiling import ceiling, writes_against_ceiling
from bench.csv_import import (
    ImportResult,
    measure_import,
    register_and_log_in,
    report_import,
    statuses,
)
from bench.databases import add_history_rows, prepare_instance
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
    gunicorn,
    seed,
    target_checker,
    wrk,
)


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
        if DATABASE_URL:  # the ceiling runs on SQLite only
            for name, method, path, body in WRITES:
                results[name] = wrk(base, method, path, body, cookie, max_id)
                report(f"{name} @ {items} items", results[name], floor_rps)
        else:
            turns = writes_against_ceiling(base, cookie, max_id, instance, work)
            for name, write, against in turns:
                results.setdefault("ceiling", against)
                results[f"ceiling before {name}"] = against
                results[name] = write
                report(f"ceiling @ {items} items", against, floor_rps)
                report(f"{name} @ {items} items", write, floor_rps, against["rps"])
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
