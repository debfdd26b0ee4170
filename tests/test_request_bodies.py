"""Bodies over MAX_CONTENT_LENGTH are refused whole, chunked or not.

A chunked body has no Content-Length, so nothing tells the server its size up
front. These tests send real chunked requests (to a live server, and through
the test client the way a WSGI server that de-chunks hands them over) and
check that an over-limit body is a 413 that changes nothing, never the first
megabyte treated as the whole.
"""

import io
from unittest.mock import ANY
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from extensions import db
from models import History, Item
from tests.helpers import live_login

LIMIT = 4096  # a small MAX_CONTENT_LENGTH keeps the bodies small
HEADER = "sku,item_name,quantity,price\n"


@pytest.fixture
def app_config(app_config):
    return app_config | {"MAX_CONTENT_LENGTH": LIMIT}


def item_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Item))


def history_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(History))


def csv_over_the_limit() -> bytes:
    """A CSV whose cut at LIMIT bytes is itself a valid, but different, file."""
    rows, number = [HEADER], 0
    while sum(map(len, rows)) < LIMIT + 500:
        number += 1
        rows.append(f"SKU-{number},Item {number},1,12345.00\n")
    body = "".join(rows).encode()
    # The case: the limit falls inside a price, so the truncated file
    # would end with "12" (stored as 12.00) and lose every later row.
    cut = body[:LIMIT]
    assert not cut.endswith(b"\n")
    return body


def chunks(body: bytes, size: int = 1000):
    """Yield ``body`` in pieces: requests sends a generator chunked."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


def chunked_post(client, path: str, body: bytes, content_type: str):
    """POST ``body`` through the test client as a server hands a chunked body over.

    Servers that de-chunk (gunicorn, Werkzeug's own) pass no CONTENT_LENGTH
    and mark the stream as ending by itself with ``wsgi.input_terminated``.
    """
    return client.post(
        path,
        input_stream=io.BytesIO(body),
        content_type=content_type,
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )


def test_a_chunked_csv_over_the_limit_is_413_on_a_live_server(app, live_server):
    session = live_login(live_server)
    response = session.post(
        f"{live_server}/inventory/import",
        data=chunks(csv_over_the_limit()),
        headers={"Content-Type": "text/csv"},
        timeout=10,
    )
    assert response.request.headers["Transfer-Encoding"] == "chunked"
    assert response.status_code == 413
    assert response.json() == {
        "status": "failed",
        "message": "Request body is too large (limit 4 KB).",
        "errors": [],
        "timestamp": ANY,
    }
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert item_count(app) == 0


def test_a_chunked_json_body_over_the_limit_is_413_on_a_live_server(app, live_server):
    session = live_login(live_server)
    history_before = history_count(app)
    body = b'{"item_name": "x", "description": "' + b"d" * LIMIT + b'"}'
    response = session.post(
        f"{live_server}/inventory",
        data=chunks(body),
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert response.status_code == 413
    assert response.json()["message"] == "Request body is too large (limit 4 KB)."
    assert (item_count(app), history_count(app)) == (0, history_before)


def test_the_live_server_still_answers_on_the_same_address_afterwards(live_server):
    session = live_login(live_server)
    session.post(
        f"{live_server}/inventory/import",
        data=chunks(csv_over_the_limit()),
        headers={"Content-Type": "text/csv"},
        timeout=10,
    )
    host = urlsplit(live_server).netloc
    assert session.get(f"http://{host}/me", timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/inventory/import", "text/csv", csv_over_the_limit()),
        ("/inventory", "application/json", b'{"item_name": "' + b"x" * LIMIT + b'"}'),
        ("/login", "application/json", b'{"username": "' + b"x" * LIMIT + b'"}'),
    ],
)
def test_every_chunked_body_over_the_limit_is_413(
    app, logged_in, path, content_type, body
):
    response = chunked_post(logged_in, path, body, content_type)
    assert response.status_code == 413
    assert response.get_json() == {
        "status": "failed",
        "message": "Request body is too large (limit 4 KB).",
        "errors": [],
        "timestamp": ANY,
    }
    assert item_count(app) == 0
    assert logged_in.get("/me").status_code == 200  # the login was not touched


@pytest.mark.parametrize("chunked", [True, False], ids=["chunked", "content-length"])
def test_a_body_of_exactly_the_limit_is_accepted(app, logged_in, chunked):
    rows, number = [HEADER], 0
    while sum(map(len, rows)) < LIMIT - 100:
        number += 1
        rows.append(f"S-{number},Item {number},1,1.00\n")
    body = "".join(rows).encode()
    padding = LIMIT - len(body)
    body = body.replace(b"Item 1,", b"Item 1" + b"x" * padding + b",", 1)
    assert len(body) == LIMIT
    if chunked:
        response = chunked_post(logged_in, "/inventory/import", body, "text/csv")
    else:
        response = logged_in.post(
            "/inventory/import", data=body, content_type="text/csv"
        )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == number
    assert item_count(app) == number


def test_a_content_length_over_the_limit_is_413_even_where_no_view_reads_it(
    logged_in,
):
    # /logout never reads its body; a body over the limit is refused all the same.
    response = logged_in.post(
        "/logout", data=b"{}" + b" " * LIMIT, content_type="application/json"
    )
    assert response.status_code == 413
    assert response.get_json()["message"] == "Request body is too large (limit 4 KB)."
    assert logged_in.get("/me").status_code == 200
