"""The writes against the ceiling: bench/ceiling.py's stock movement, in turns.

The ceiling serves a stock movement's durable transaction through the API's
own functions and nothing else (bench/ceiling.py). It runs on the API's seeded
database next to the API, and for each write the two take turns (ceiling,
write, write, ceiling, ... BENCH_ROUNDS each): every write grows the tables
and the write-ahead log that the next one works on, so both meet the database
in the same states on average. Each one's best round counts: drift on a
shared machine only ever slows a round down (bench/compare.py). The other
server's workers sit idle meanwhile.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.scenarios import STOCK_MOVEMENT, WRITES
from bench.servers import alternating, gunicorn, wrk


@contextmanager
def ceiling_server(instance: Path, driver: str, work: Path) -> Iterator[str]:
    """Serve bench/ceiling.py on ``instance``'s database; yield its URL."""
    env = {
        "CEILING_DATABASE": str(instance / "inventory.db"),
        "CEILING_DRIVER": driver,
    }
    with gunicorn("bench.ceiling:app", env, work / "ceiling.log") as base:
        yield base


def ceiling(instance: Path, driver: str, max_id: int, work: Path) -> dict:
    """Measure the ceiling's stock movement once on ``instance``'s database."""
    with ceiling_server(instance, driver, work) as base:
        return wrk_ceiling(base, max_id)


def wrk_ceiling(base: str, max_id: int) -> dict:
    _, method, path, body = STOCK_MOVEMENT
    return wrk(base, method, path, body, None, max_id)


def writes_against_ceiling(
    base: str, cookie: str, max_id: int, instance: Path, work: Path
) -> Iterator[tuple[str, dict, dict]]:
    """Measure each write of the API at ``base`` in turns with the ceiling.

    Yields each write's name, its best round and the ceiling's best round.
    """
    with ceiling_server(instance, "sqlalchemy", work) as ceiling_base:
        for name, method, path, body in WRITES:
            best = alternating(
                {
                    "ceiling": functools.partial(wrk_ceiling, ceiling_base, max_id),
                    name: functools.partial(
                        wrk, base, method, path, body, cookie, max_id
                    ),
                }
            )
            yield name, best[name], best["ceiling"]
