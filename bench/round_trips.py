"""Count what one request of each scenario asks of PostgreSQL and Redis.

Counted by the servers themselves, so nothing in the client can hide a call:
PostgreSQL's ``pg_stat_statements`` (which ``scripts/services.sh`` loads)
counts every statement a client sent, BEGIN, COMMIT and ROLLBACK included,
and Redis's ``INFO commandstats`` every command. With psycopg 3 each
statement is one round trip (its parameters, parsing and execution travel
together), and so is each Redis command. One round trip it cannot see: the
empty statement of a connection check (SQLAlchemy's ``pool_pre_ping`` sends
one per checkout); the API checks only connections idle a while
(plumbing/database.py), which a benchmark's busy pool never has.

The requests are sent one at a time, after a warm-up, and the counts are
divided by the number sent, so a pool's first connections and a worker's first
statements do not weigh in.

``python -m bench.round_trips BASE_URL DATABASE_URL REDIS_URL COOKIE MAX_ID``
prints the counts for bench/run.py's scenarios against a running API.
"""

import sys
from dataclasses import dataclass

import psycopg
import redis
import requests

REQUESTS = 50
WARM_UP = 10


@dataclass
class RoundTrips:
    """What one request cost, on average, in round trips to each server."""

    postgresql: float
    redis: float
    statements: dict[str, float]  # PostgreSQL's, by kind (SELECT, BEGIN, ...)

    def describe(self) -> str:
        kinds = ", ".join(
            f"{count:g} {kind}" for kind, count in sorted(self.statements.items())
        )
        return (
            f"PostgreSQL {self.postgresql:g} ({kinds or 'none'}), Redis {self.redis:g}"
        )


def statement_kind(query: str) -> str:
    """Name a statement by its first word: SELECT, INSERT, BEGIN, ..."""
    words = query.split(None, 1)
    return words[0].upper() if words else "?"


def count(
    base: str,
    database_url: str,
    redis_url: str,
    method: str,
    path: str,
    body: str | None,
    cookie: str,
    max_id: int,
) -> RoundTrips:
    """Send ``REQUESTS`` requests of one scenario; return the round trips of one."""
    client = requests.Session()
    headers = {"Cookie": cookie, "Content-Type": "application/json"}

    def send(number: int) -> None:
        target = path.replace("{id}", str(1 + number % max_id))
        payload = None
        if body:
            payload = body.replace("{n}", f"rt{number}").replace(
                "{sign}", "1" if number % 2 else "-1"
            )
        response = client.request(
            method, base + target, data=payload, headers=headers, timeout=30
        )
        response.raise_for_status()

    for number in range(WARM_UP):
        send(number)
    store = redis.Redis.from_url(redis_url)
    with psycopg.connect(database_url, autocommit=True) as database:
        database.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        database.execute("SELECT pg_stat_statements_reset()")
        store.config_resetstat()
        for number in range(WARM_UP, WARM_UP + REQUESTS):
            send(number)
        commands = store.info("commandstats")
        rows = database.execute(
            "SELECT query, calls FROM pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database"
            "               WHERE datname = current_database())"
        ).fetchall()
    statements: dict[str, float] = {}
    for query, calls in rows:
        if "pg_stat_statements" in query:
            continue  # this module's own
        kind = statement_kind(query)
        statements[kind] = statements.get(kind, 0) + calls / REQUESTS
    redis_calls = sum(
        stats["calls"]
        for name, stats in commands.items()
        if name not in ("cmdstat_info", "cmdstat_config|resetstat")
    )
    return RoundTrips(
        postgresql=round(sum(statements.values()), 2),
        redis=round(redis_calls / REQUESTS, 2),
        statements={kind: round(n, 2) for kind, n in statements.items()},
    )


def main() -> None:
    from bench.scenarios import READS, WRITES

    base, database_url, redis_url, cookie, max_id = sys.argv[1:6]
    for name, method, path, body in READS + WRITES:
        trips = count(
            base, database_url, redis_url, method, path, body, cookie, int(max_id)
        )
        print(f"{name:<16} {trips.describe()}")


if __name__ == "__main__":
    main()
