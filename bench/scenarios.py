"""What ``make bench`` measures: the inventory sizes, the requests, the targets."""

import os

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
