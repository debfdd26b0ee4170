"""Each scenario timed in-process on both configurations, to split the cost.

Under wrk, the API, PostgreSQL, Redis and wrk itself share the machine's
cores, so a request on PostgreSQL + Redis pays for the servers' work as well
as its own. This runs every scenario of bench/run.py through Flask's test
client, one request at a time, on an app over SQLite + files and on one over
PostgreSQL + Redis, alternating, and reports per request:

- the wall time, as one client alone would see it;
- the CPU time of the API's process (the app, SQLAlchemy and the drivers);
- for PostgreSQL + Redis, the CPU time the two servers spent meanwhile (read
  from /proc, every ``postgres`` and ``redis-server`` process).

The API's own CPU is what remains when the servers have machines of their
own; the servers' CPU is what they take from the API on a shared machine.
Logging is off in both apps (it costs both alike).
"""

import logging
import os
import tempfile
import time
from pathlib import Path

from bench.csv_import import PASSWORD
from bench.databases import empty_database
from bench.scenarios import READS, WRITES

REQUESTS = {"page": 150, "other": 400}
WARM_UP = 30
SERVER_PROCESSES = ("postgres", "redis-server")
TICKS = os.sysconf("SC_CLK_TCK")


def servers_cpu_seconds() -> float:
    """Return the CPU time used so far by every PostgreSQL and Redis process."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        if name in SERVER_PROCESSES:
            fields = stat[stat.rindex(")") + 2 :].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def make_app(work: Path, database_url: str = "", redis_url: str = ""):
    """Create an app on a schema built by the migrations; seed it and log in."""
    from flask_migrate import upgrade

    from app import create_app

    instance = Path(tempfile.mkdtemp(dir=work))
    config = {
        "APP_ENV": "development",
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(instance),
        "RATELIMIT_ENABLED": False,
        "BCRYPT_LOG_ROUNDS": 4,
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance}/bench.db",
        "SESSION_TYPE": "cachelib",
    }
    if database_url:
        empty_database(database_url)
        config |= {"SESSION_TYPE": "redis", "SESSION_REDIS_URL": redis_url}
    app = create_app(config)
    with app.app_context():
        upgrade()
    client = app.test_client()
    account = {"username": "bench", "email": "bench@example.com"}
    client.post("/register", json=account | {"password": PASSWORD})
    client.post("/login", json={"username": "bench", "password": PASSWORD})
    for number in range(100):
        body = {"item_name": f"Item {number}", "quantity": 500, "price": 9.99}
        assert client.post("/inventory", json=body).status_code == 201
    return client


def send(client, method: str, path: str, body: str | None, number: int) -> None:
    target = path.replace("{id}", str(1 + number % 100))
    data = None
    if body:
        data = body.replace("{n}", f"p{number}").replace(
            "{sign}", "1" if number % 2 else "-1"
        )
    response = client.open(
        target, method=method, data=data, content_type="application/json"
    )
    assert response.status_code < 300, (target, response.status_code)


def time_scenario(client, method, path, body, count: int, first: int) -> dict:
    """Send ``count`` requests; return wall, API CPU and servers' CPU per request."""
    for number in range(first, first + WARM_UP):
        send(client, method, path, body, number)
    first += WARM_UP
    servers_before = servers_cpu_seconds()
    cpu_before, wall_before = time.process_time(), time.perf_counter()
    for number in range(first, first + count):
        send(client, method, path, body, number)
    wall = time.perf_counter() - wall_before
    cpu = time.process_time() - cpu_before
    servers = servers_cpu_seconds() - servers_before
    return {
        "wall_us": wall / count * 1e6,
        "api_cpu_us": cpu / count * 1e6,
        "servers_cpu_us": servers / count * 1e6,
    }


def compare(work: Path, database_url: str, redis_url: str) -> dict:
    """Time every scenario on both configurations; print and return the figures."""
    print("In-process, one request at a time (microseconds per request):")
    # Quiet: the migrations' and the requests' log lines would fill the report.
    logging.disable(logging.INFO)
    results = {}
    try:
        clients = {
            "sqlite": make_app(work),
            "server": make_app(work, database_url, redis_url),
        }
        for name, method, path, body in READS + WRITES:
            count = REQUESTS["page" if path.startswith("/app") else "other"]
            results[name] = {
                side: time_scenario(client, method, path, body, count, 1000)
                for side, client in clients.items()
            }
            report(name, results[name])
    finally:
        logging.disable(logging.NOTSET)
    return results


def report(name: str, sides: dict) -> None:
    sqlite, server = sides["sqlite"], sides["server"]
    both = server["api_cpu_us"] + server["servers_cpu_us"]
    print(
        f"  {name:<16}"
        f" SQLite: {sqlite['wall_us']:6.0f} wall, {sqlite['api_cpu_us']:6.0f} CPU"
        f" | PostgreSQL + Redis: {server['wall_us']:6.0f} wall,"
        f" {server['api_cpu_us']:6.0f} API CPU + {server['servers_cpu_us']:5.0f}"
        f" servers' CPU"
        f" | CPU per request, SQLite's share of PostgreSQL + Redis's:"
        f" {sqlite['api_cpu_us'] / both:4.2f}x with the servers,"
        f" {sqlite['api_cpu_us'] / server['api_cpu_us']:4.2f}x API alone",
        flush=True,
    )
