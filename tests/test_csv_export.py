"""CSV export: its rows, filters and sort, streaming, and failing as JSON."""

import csv
import io
from unittest.mock import ANY

import pytest
from sqlalchemy import event

import routes.inventory_csv
from domain import item_csv
from extensions import db
from tests.helpers import HEADER, export


def test_export_has_one_row_per_item_with_names_and_json_metadata(stocked):
    rows = list(csv.DictReader(io.StringIO(export(stocked))))
    assert [row["item_name"] for row in rows] == [
        '\'=HYPERLINK("x")',
        "Café crème",
        "No SKU",
    ]
    hammer = rows[0]
    assert (hammer["category"], hammer["supplier"]) == ("Tools", "Acme, Inc.")
    assert (hammer["price"], hammer["cost_price"], hammer["quantity"]) == (
        "15.50",
        "9.99",
        "3",
    )
    assert '"tags": ["steel", "hand"]' in hammer["metadata"]
    assert rows[1]["description"] == "'-50% today"  # a formula-looking cell is quoted


def test_export_takes_the_list_filters_and_sort(stocked):
    assert [
        r["item_name"] for r in csv.DictReader(io.StringIO(export(stocked, "?q=caf")))
    ] == ["Café crème"]
    names = [
        r["item_name"]
        for r in csv.DictReader(io.StringIO(export(stocked, "?sort=-price")))
    ]
    assert names == ["No SKU", '\'=HYPERLINK("x")', "Café crème"]
    assert stocked.get("/inventory/export.csv?sort=colour").status_code == 400
    assert stocked.get("/inventory/export.csv?all=true").status_code == 400
    assert stocked.get("/inventory/export.csv?page=2").status_code == 400


def test_export_shows_only_the_callers_items_and_needs_login(
    app, stocked, other_client, make_item
):
    make_item(other_client, item_name="Bobs")
    assert "Bobs" not in export(stocked)
    assert app.test_client().get("/inventory/export.csv").status_code == 401


# --- A failing export is a JSON error, not a broken 200 ----------------------


def fail_item_queries(cursor, statement, parameters, context):
    if statement.lstrip().startswith("SELECT") and "FROM inventory" in statement:
        raise RuntimeError("the disk went away")
    return False  # any other statement runs as usual


def test_a_failing_export_query_is_a_json_500_logged_as_500(app, stocked, caplog):
    with app.app_context():
        engine = db.engine
    # Raised where the driver would run the query, as a database error would be.
    event.listen(engine, "do_execute", fail_item_queries)
    try:
        response = stocked.get("/inventory/export.csv")
    finally:
        event.remove(engine, "do_execute", fail_item_queries)
    assert response.status_code == 500
    assert response.get_json() == {
        "status": "failed",
        "message": "Internal server error.",
        "errors": [],
        "timestamp": ANY,
    }
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "the disk went away" not in response.get_data(as_text=True)
    access = [r.getMessage() for r in caplog.records if r.name == "inventory.requests"]
    assert "method=GET path=/inventory/export.csv status=500" in access[-1]
    assert export(stocked)  # the next export works


def test_a_failure_after_the_first_batch_is_logged(stocked, monkeypatch, caplog):
    monkeypatch.setattr(routes.inventory_csv, "EXPORT_BATCH", 1)
    money = item_csv._money

    def failing_money(cents):
        if cents == 120000:  # the last item by price
            raise RuntimeError("broken row")
        return money(cents)

    monkeypatch.setattr(item_csv, "_money", failing_money)
    response = stocked.get("/inventory/export.csv?sort=price")
    assert response.status_code == 200  # the first batch was fine
    with pytest.raises(RuntimeError):
        response.get_data()
    assert "CSV export failed while streaming" in caplog.text


def test_a_large_export_streams_in_batches(stocked, monkeypatch, make_item):
    monkeypatch.setattr(routes.inventory_csv, "EXPORT_BATCH", 2)
    for number in range(5):
        make_item(stocked, item_name=f"Extra {number}", sku=f"X-{number}")
    rows = list(csv.DictReader(io.StringIO(export(stocked, "?sort=item_name"))))
    assert len(rows) == 8
    assert [row["item_name"] for row in rows][:3] == [
        '\'=HYPERLINK("x")',
        "Café crème",
        "Extra 0",
    ]


def test_an_export_gives_its_connection_back_when_the_stream_ends(app, stocked):
    with app.app_context():
        engine = db.engine
    in_use = []
    event.listen(engine, "checkout", lambda *args: in_use.append(1))
    event.listen(engine, "checkin", lambda *args: in_use.pop())
    response = stocked.get("/inventory/export.csv")
    assert response.get_data(as_text=True).startswith(HEADER)
    # Not only once the server closes the response: an open transaction would
    # hold its locks until then (PostgreSQL's TRUNCATE waited for it).
    assert in_use == []
    response.close()
