"""CSV import limits: cells, numbers and row counts, refused as 400 or 413."""

import csv
import io
from unittest.mock import ANY

import pytest

from app import create_app
from domain import item_csv
from extensions import db
from plumbing.database import dispose_engines
from tests.helpers import AuthActions, counts, import_csv

# --- Size limits and bad cells are 400/413 in the API's own words ------------


@pytest.mark.parametrize(
    ("column", "cell", "message"),
    [
        (
            "description",
            "d" * (200 * 1024),
            "String should have at most 500 characters",
        ),
        ("item_name", "n" * (200 * 1024), "String should have at most 100 characters"),
        (
            "sku",
            "S" * (200 * 1024),
            "Must be 1-64 of A-Z a-z 0-9 . _ / -, starting alphanumeric.",
        ),
        ("category", "c" * (200 * 1024), f"No category named '{'c' * 60}...'."),
        (
            "quantity",
            "1" * (200 * 1024),
            "Input should be less than or equal to 1000000000",
        ),
    ],
)
def test_a_cell_over_128_kib_is_400_naming_row_and_column(
    app, logged_in, column, cell, message
):
    fine = {
        "sku": "",
        "item_name": "fine",
        "description": "",
        "quantity": "1",
        "price": "1",
        "category": "",
    }
    text = csv_text(fine, fine | {column: cell})
    before = counts(app)
    response = import_csv(logged_in, text)
    assert response.status_code == 400, response.get_json()
    assert response.get_json() == {
        "status": "failed",
        "message": "Import rejected: 1 row(s) have errors; nothing was changed.",
        "errors": [{"row": 3, "field": column, "message": message}],
        "timestamp": ANY,
    }
    assert counts(app) == before


@pytest.mark.parametrize(
    ("column", "cell"),
    [
        ("quantity", "9" * 5000),
        ("reorder_level", "1" * 5000),
        ("price", "9" * 5000 + ".00"),
        ("cost_price", "1" * 5000),
    ],
)
def test_a_5000_digit_number_is_400_in_the_apis_words(app, logged_in, column, cell):
    row = {"item_name": "x", "quantity": "1", "price": "1"} | {column: cell}
    before = counts(app)
    response = import_csv(logged_in, csv_text(row))
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {
            "row": 2,
            "field": column,
            "message": "Input should be less than or equal to 1000000000",
        }
    ]
    assert "sys." not in response.get_data(as_text=True)
    assert counts(app) == before


def test_leading_zeros_do_not_count_against_a_number(logged_in):
    text = f"item_name,quantity,price\nx,{'0' * 5000}7,{'0' * 5000}2.50\n"
    assert import_csv(logged_in, text).status_code == 200
    item = logged_in.get("/inventory").get_json()["items"][0]
    assert (item["quantity"], item["price"]) == (7, 2.5)


def csv_text(*rows: dict) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def rows_csv(count: int) -> str:
    return "item_name,quantity,price\n" + "".join(
        f"Item {n},1,1\n" for n in range(count)
    )


@pytest.fixture
def capped(app_config):
    """A client of an app that takes at most 3 rows per import."""
    app = create_app(app_config | {"CSV_IMPORT_MAX_ROWS": 3})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    yield app, client
    with app.app_context():
        dispose_engines()


def test_more_rows_than_the_cap_is_413_saying_the_cap(capped):
    app, client = capped
    before = counts(app)
    response = import_csv(client, rows_csv(4))
    assert response.status_code == 413
    assert response.get_json() == {
        "status": "failed",
        "message": "The CSV has more than 3 rows, the most one import takes; nothing "
        "was changed. Split it into files of at most 3 rows and import them one "
        "after another.",
        "errors": [],
        "timestamp": ANY,
    }
    assert counts(app) == before
    assert import_csv(client, rows_csv(3)).status_code == 200


def test_the_row_cap_defaults_to_10000_and_stops_reading_there(
    app, logged_in, monkeypatch
):
    assert app.config["CSV_IMPORT_MAX_ROWS"] == 10_000
    before = counts(app)
    checked = []
    row_fields = item_csv._row_fields
    monkeypatch.setattr(
        item_csv, "_row_fields", lambda *a: checked.append(1) or row_fields(*a)
    )
    response = import_csv(logged_in, rows_csv(10_001) + rows_csv(5_000)[25:])
    assert response.status_code == 413
    assert "more than 10000 rows" in response.get_json()["message"]
    assert len(checked) == 10_000  # the rest of the file was never looked at
    assert counts(app) == before
