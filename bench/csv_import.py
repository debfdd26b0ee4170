"""The bench's import scenario: a CSV import at the cap, and single writes meanwhile.

One user posts a CSV import of ``rows`` new items (all valid, so all of it
applies in one transaction); meanwhile a second user sends single creates one
after another, as a shop's till would, and each one's latency is recorded.
SQLite admits one writer at a time, so a single create that arrives while the
import is writing waits for the import's commit: these latencies say how long
a large import holds up everyone else's writes.

``bench/run.py`` runs this against the API under gunicorn; the test suite runs
it against the test server with a few rows (tests/test_bench.py).
"""

import math
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import requests

PASSWORD = "bench-pass-1"
# Wait this long for the import's answer: well past gunicorn's worker timeout,
# so a hung import shows up as gunicorn's error rather than the bench's.
IMPORT_TIMEOUT_SECONDS = 300


def csv_body(rows: int, sku_prefix: str = "IMPORT") -> bytes:
    """Return a CSV import of ``rows`` new items, each valid, with distinct SKUs."""
    # Only the required columns plus the SKU: the smallest body a real import
    # would send, so the cap's row count fits well under MAX_CONTENT_LENGTH.
    lines = ["sku,item_name,quantity,price"]
    lines += [
        f"{sku_prefix}-{n:05d},Imported item {n},{n % 1000},{n % 100}.99"
        for n in range(1, rows + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def register_and_log_in(base: str, username: str) -> str:
    """Register ``username`` and log in; return the session's Cookie header value."""
    session = requests.Session()
    body = {"username": username, "email": f"{username}@example.com"}
    session.post(
        f"{base}/register", json=body | {"password": PASSWORD}, timeout=30
    ).raise_for_status()
    session.post(
        f"{base}/login", json={"username": username, "password": PASSWORD}, timeout=30
    ).raise_for_status()
    return f"session={session.cookies['session']}"


@dataclass
class TimedRequest:
    """One single write: when it was sent and answered, and its status code."""

    started: float
    ended: float
    status: int  # 0 when no answer came (connection error, timeout)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


class SingleWrites:
    """Send single creates as one user, one after another, timing each."""

    def __init__(self, base: str, cookie: str):
        self._url = f"{base}/inventory"
        self._session = requests.Session()
        self._session.headers["Cookie"] = cookie
        self._sent = 0

    def send_one(self) -> TimedRequest:
        """Create one item; return how long the API took to answer."""
        self._sent += 1
        body = {"item_name": f"Single {self._sent}", "quantity": 1, "price": 1.5}
        started = time.perf_counter()
        try:
            status = self._session.post(self._url, json=body, timeout=60).status_code
        except requests.RequestException:
            status = 0
        return TimedRequest(started, time.perf_counter(), status)

    def for_seconds(self, seconds: float) -> list[TimedRequest]:
        """Send writes back to back for ``seconds``; return them all."""
        deadline = time.perf_counter() + seconds
        timed = [self.send_one()]
        while time.perf_counter() < deadline:
            timed.append(self.send_one())
        return timed

    def until(self, stop: threading.Event, timed: list[TimedRequest]) -> None:
        """Send writes back to back into ``timed`` until ``stop`` is set."""
        while not stop.is_set():
            timed.append(self.send_one())


@dataclass
class ImportResult:
    """What the import scenario measured."""

    rows: int
    status: int  # the import's HTTP status (0: no answer)
    seconds: float
    created: int  # items the import reported created
    alone: list[TimedRequest]  # single writes with nothing else running
    during: list[TimedRequest] = field(default_factory=list)  # overlapping it

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def measure_import(
    base: str, importer: str, writer: str, rows: int, alone_seconds: float = 2.0
) -> ImportResult:
    """Time an import of ``rows`` items, and another user's single creates meanwhile.

    ``importer`` and ``writer`` are two logged-in users' Cookie header values.
    The writer's creates are first timed alone for ``alone_seconds``, as the
    baseline their wait during the import is read against.
    """
    writes = SingleWrites(base, writer)
    alone = writes.for_seconds(alone_seconds)
    body = csv_body(rows)
    stop, timed = threading.Event(), []
    loop = threading.Thread(target=writes.until, args=(stop, timed))
    loop.start()
    started = time.perf_counter()
    try:
        response = requests.post(
            f"{base}/inventory/import",
            data=body,
            headers={"Cookie": importer, "Content-Type": "text/csv"},
            timeout=IMPORT_TIMEOUT_SECONDS,
        )
        status = response.status_code
        created = response.json().get("created", 0) if response.ok else 0
    except requests.RequestException:
        status, created = 0, 0
    ended = time.perf_counter()
    stop.set()
    loop.join()
    # A write counts when any part of it overlapped the import: the one in
    # flight when the import started may have waited for its whole commit.
    during = [w for w in timed if w.started < ended and w.ended > started]
    return ImportResult(rows, status, ended - started, created, alone, during)


def percentile(timed: list[TimedRequest], percent: float) -> float:
    """Return the nearest-rank percentile of the requests' latencies, in seconds."""
    if not timed:
        return 0.0
    latencies = sorted(w.seconds for w in timed)
    return latencies[max(0, math.ceil(percent / 100 * len(latencies)) - 1)]


def statuses(timed: list[TimedRequest]) -> Counter:
    """Count the requests by HTTP status (0: no answer)."""
    return Counter(w.status for w in timed)


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
