"""CSV export and import: round trip, all-or-nothing, dry run."""

import csv
import io
from unittest.mock import ANY

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select

import routes.inventory_csv
from app import create_app
from domain import item_csv
from domain.csv_cells import escape_cell, unescape_cell
from extensions import db
from models import History, Item, StockMovement
from plumbing.database import dispose_engines
from tests.helpers import AuthActions, make_category, make_supplier

HEADER = (
    "sku,item_name,description,quantity,price,cost_price,reorder_level,status,"
    "expiry_date,category,supplier,metadata"
)


def export(client, query="") -> str:
    response = client.get(f"/inventory/export.csv{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.get_data(as_text=True)


def import_csv(client, text: str, query: str = ""):
    return client.post(
        f"/inventory/import{query}", data=text.encode(), content_type="text/csv"
    )


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(model))
            for model in (Item, History, StockMovement)
        )


@pytest.fixture
def stocked(logged_in, make_item):
    """alice's items, using a category and supplier and awkward text."""
    category = make_category(logged_in, "Tools")["id"]
    supplier = make_supplier(logged_in, "Acme, Inc.")["id"]
    make_item(
        logged_in,
        item_name='=HYPERLINK("x")',
        description='Line one\nline "two", with comma',
        sku="HAM-1",
        quantity=3,
        price=15.5,
        cost_price=9.99,
        reorder_level=5,
        category_id=category,
        supplier_id=supplier,
        metadata={
            "tags": ["Steel", "hand"],
            "specifications": {"weight_g": 450, "grip": "rubber"},
            "seo_title": "Hammer",
        },
    )
    make_item(
        logged_in,
        item_name="Café crème",
        description="-50% today",
        sku="CAFE",
        quantity=0,
        price=0,
    )
    make_item(logged_in, item_name="No SKU", quantity=7, price=1200, status="inactive")
    return logged_in


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


def test_round_trip_export_import_export_is_identical(app, stocked):
    first = export(stocked)
    newcomer = app.test_client()
    AuthActions(newcomer).register_and_login("carol")
    # Another team: its catalog needs entries of the same names.
    make_category(newcomer, "Tools")
    make_supplier(newcomer, "Acme, Inc.")
    response = import_csv(newcomer, first)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 3
    assert export(newcomer) == first
    # Importing the same file again changes nothing.
    again = import_csv(newcomer, first).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (
        1,
        0,
        2,
    )  # the row without SKU is new


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


def test_import_updates_by_sku_ignoring_case_with_history_and_movements(app, stocked):
    text = f'{HEADER}\nham-1,Hammer v2,,10,15.50,9.99,5,active,,Tools,"Acme, Inc.",\nNEW-1,Brand new,,4,2,,0,active,,,,\n'
    response = import_csv(stocked, text)
    body = response.get_json()
    assert response.status_code == 200, body
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 1, 0)
    assert (
        body["message"]
        == "Import applied: created 1 item, updated 1 and left 0 unchanged."
    )
    update_row = body["rows"][0]
    assert update_row["action"] == "update"
    assert update_row["changes"]["quantity"] == [3, 10]
    assert update_row["changes"]["sku"] == ["HAM-1", "ham-1"]
    assert "metadata" in update_row["changes"]  # an empty cell clears metadata
    items = {i["sku"]: i for i in stocked.get("/inventory").get_json()["items"]}
    assert items["ham-1"]["item_name"] == "Hammer v2"
    movements = stocked.get(
        f"/inventory/{items['ham-1']['id']}/movements?verify=true"
    ).get_json()
    assert [(m["reason"], m["change"], m["note"]) for m in movements["movements"]] == [
        ("adjustment", 7, "CSV import")
    ]
    assert movements["verification"]["holds"] is True
    history = stocked.get("/history?per_page=2").get_json()["history"]
    assert {row["action_type"] for row in history} == {"create", "update"}


def test_columns_may_be_omitted_and_then_keep_their_values(stocked):
    response = import_csv(
        stocked, "sku,item_name,quantity,price\nHAM-1,Hammer,3,15.50\n"
    )
    row = response.get_json()["rows"][0]
    assert row["action"] == "update"
    assert row["changes"] == {"item_name": ['=HYPERLINK("x")', "Hammer"]}
    hammer = next(
        i for i in stocked.get("/inventory").get_json()["items"] if i["sku"] == "HAM-1"
    )
    assert hammer["category_name"] == "Tools"
    assert hammer["metadata"]["tags"] == ["steel", "hand"]


def test_one_bad_row_rolls_back_the_whole_import(app, stocked):
    before = counts(app)
    text = (
        f"{HEADER}\n"
        "OK-1,Fine,,1,1,,0,active,2026-12-31,,,\n"
        "BAD-1,,,-2,abc,,x,gone,2026-13-40,Nope,,{not json\n"
        "OK-2,Also fine,,1,1,,0,active,,,,\n"
        "HAM-1,Duplicate later,,1,1,,0,active,,,,\n"
        "ham-1,Duplicate,,1,1,,0,active,,,,\n"
    )
    response = import_csv(stocked, text)
    assert response.status_code == 400
    body = response.get_json()
    assert "nothing was changed" in body["message"]
    problems = {(e["row"], e["field"]) for e in body["errors"]}
    assert problems == {
        (3, "item_name"),
        (3, "quantity"),
        (3, "price"),
        (3, "reorder_level"),
        (3, "status"),
        (3, "expiry_date"),
        (3, "category"),
        (3, "metadata"),
        (6, "sku"),
    }
    assert counts(app) == before


def test_dry_run_reports_without_writing_anything(app, stocked):
    before = counts(app)
    versions = {
        i["id"]: i["version"] for i in stocked.get("/inventory").get_json()["items"]
    }
    text = f'{HEADER}\nHAM-1,Hammer,,9,15.50,9.99,5,active,,Tools,"Acme, Inc.",\nNEW-9,New,,1,1,,0,active,,,,\n'
    response = import_csv(stocked, text, "?dry_run=true")
    body = response.get_json()
    assert response.status_code == 200
    assert body["dry_run"] is True
    assert body["message"] == (
        "Dry run: nothing was changed. Importing would create 1 item, "
        "update 1 and leave 0 unchanged."
    )
    assert [(r["row"], r["action"]) for r in body["rows"]] == [
        (2, "update"),
        (3, "create"),
    ]
    assert body["rows"][0]["changes"]["quantity"] == [3, 9]
    assert counts(app) == before
    after = {
        i["id"]: i["version"] for i in stocked.get("/inventory").get_json()["items"]
    }
    assert after == versions


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The CSV is empty"),
        ("item_name,quantity\nx,1\n", "header is not valid"),
        ("item_name,quantity,price,colour\nx,1,1,red\n", "header is not valid"),
        ("item_name,quantity,price,price\nx,1,1,1\n", "header is not valid"),
        ("item_name,quantity,price\n", "no rows"),
        ("item_name,quantity,price\nx,1,1,extra\n", "row(s) have errors"),
    ],
)
def test_malformed_files_are_400(app, stocked, text, message):
    before = counts(app)
    response = import_csv(stocked, text)
    assert response.status_code == 400
    assert message in response.get_json()["message"]
    assert counts(app) == before


def test_non_utf8_is_400(stocked):
    response = stocked.post(
        "/inventory/import",
        data="item_name,quantity,price\nCaf\xe9,1,1\n".encode("latin-1"),
        content_type="text/csv",
    )
    assert response.status_code == 400
    assert "UTF-8" in response.get_json()["message"]


def test_a_byte_order_mark_is_fine(stocked):
    text = "\ufeffsku,item_name,quantity,price\nBOM-1,With BOM,1,1\n"
    assert import_csv(stocked, text).status_code == 200


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "text/plain", "application/x-www-form-urlencoded"],
)
def test_import_takes_only_text_csv(app, stocked, content_type):
    response = stocked.post(
        "/inventory/import", data=f"{HEADER}\n", content_type=content_type
    )
    assert response.status_code == 415


def test_text_csv_is_refused_everywhere_else(stocked):
    response = stocked.post("/inventory", data=f"{HEADER}\n", content_type="text/csv")
    assert response.status_code == 415


def test_cross_site_import_is_refused(app, stocked):
    before = counts(app)
    response = stocked.post(
        "/inventory/import",
        data=f"{HEADER}\nX-1,x,,1,1,,0,active,,,,\n",
        content_type="text/csv",
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert counts(app) == before


def test_import_needs_login(app):
    response = app.test_client().post(
        "/inventory/import", data=f"{HEADER}\n", content_type="text/csv"
    )
    assert response.status_code == 401


# --- Round trip: every value the API can store comes back byte for byte ------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Descriptions are kept exactly as sent; item and catalog names are trimmed by
# the API, so only their insides can be awkward.
NASTY_DESCRIPTIONS = [
    "", " ", "  leading", "trailing  ", "\ttab first", "tab last\t", "\nnewline first",
    "newline last\n", "\r\nCRLF first", "\rCR first", "inside\r\nCRLF", "'quoted",
    "''two quotes", "'", "''", "'=SUM(A1)", "=1+1", "+1", "-1", "@SUM(A1)", " =1+1",
    '"double", quotes, and commas,', "\ufeffbyte order mark", "\u00a0no-break space",
    "Café, 東京 and 🙂", "\x01control\x1f", "a" * 500,
]  # fmt: skip
NASTY_NAMES = [
    "=HYPERLINK(\"x\")", "+plus", "-minus", "@at", "'quoted", "'", "''", "'=x",
    "tab\tinside", "line\nbreak\r\ninside", "plain",
]  # fmt: skip


def test_every_storable_value_survives_export_import_export(app, logged_in):
    catalog = {
        "category_id": make_category(logged_in, "=Tools")["id"],
        "supplier_id": make_supplier(logged_in, "'Quoted, Ltd")["id"],
    }
    for number, description in enumerate(NASTY_DESCRIPTIONS):
        name = NASTY_NAMES[number % len(NASTY_NAMES)]
        item = {"item_name": name, "description": description, "quantity": number}
        response = logged_in.post(
            "/inventory", json=item | {"price": 1, "sku": f"N-{number}"} | catalog
        )
        assert response.status_code == 201, (description, response.get_json())
    logged_in.post(
        "/inventory", json={"item_name": "No text", "quantity": 1, "price": 1}
    )
    first = export(logged_in)

    newcomer = app.test_client()
    AuthActions(newcomer).register_and_login("carol")
    # Another team: its catalog needs entries of the same names.
    make_category(newcomer, "=Tools")
    make_supplier(newcomer, "'Quoted, Ltd")
    response = import_csv(newcomer, first)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == len(NASTY_DESCRIPTIONS) + 1
    assert export(newcomer) == first
    # The API shows carol exactly what alice stored.
    assert shown_texts(newcomer) == shown_texts(logged_in)
    stored = {item["sku"]: item for item in shown_texts(logged_in)}
    assert [
        stored[f"N-{n}"]["description"] for n in range(len(NASTY_DESCRIPTIONS))
    ] == (NASTY_DESCRIPTIONS)
    assert stored[None]["description"] is None
    # Importing the file again changes nothing.
    again = import_csv(newcomer, first).get_json()
    assert (again["updated"], again["unchanged"]) == (0, len(NASTY_DESCRIPTIONS))


def shown_texts(client) -> list[dict]:
    items = client.get("/inventory?sort=quantity&per_page=100").get_json()["items"]
    fields = ("sku", "item_name", "description", "category_name", "supplier_name")
    return sorted(
        ({field: item[field] for field in fields} for item in items),
        key=lambda item: item["sku"] or "",
    )


def test_no_exported_cell_starts_a_formula(logged_in, make_item):
    for number, description in enumerate(NASTY_DESCRIPTIONS):
        make_item(
            logged_in,
            item_name=NASTY_NAMES[number % len(NASTY_NAMES)],
            description=description,
        )
    cells = [
        cell
        for row in csv.reader(io.StringIO(export(logged_in), newline=""))
        for cell in row
    ]
    assert cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("'=SUM(A1)", "=SUM(A1)"),  # the export's escape is removed
        ("''quoted", "'quoted"),
        ("'quoted", "quoted"),  # exactly one leading ' is always removed
        ("'", ""),  # a lone ' is an empty text; an empty cell is none at all
        ("", None),
        ("  spaced  ", "  spaced  "),  # kept as written
    ],
)
def test_import_removes_exactly_one_leading_quote(logged_in, cell, stored):
    text = f"sku,item_name,description,quantity,price\nQ-1,x,{cell},1,1\n"
    assert import_csv(logged_in, text).status_code == 200
    assert logged_in.get("/inventory").get_json()["items"][0]["description"] == stored


def test_blanks_around_numbers_codes_and_names_are_ignored(logged_in):
    logged_in.post("/categories", json={"name": "Tools"})
    text = "sku,item_name,quantity,price,status,category\n X-1 , Spaced ,\t3 , 2.50 , inactive , tools \n"
    response = import_csv(logged_in, text)
    assert response.status_code == 200, response.get_json()
    item = logged_in.get("/inventory").get_json()["items"][0]
    assert (item["sku"], item["item_name"], item["quantity"], item["price"]) == (
        "X-1",
        "Spaced",
        3,
        2.5,
    )
    assert (item["status"], item["category_name"]) == ("inactive", "Tools")


@given(st.one_of(st.none(), st.text()))
def test_escaping_a_cell_is_undone_exactly_and_never_starts_a_formula(value):
    cell = escape_cell(value)
    assert not cell.startswith(FORMULA_STARTS)
    # Through the csv module as the export writes and the import reads it.
    buffer = io.StringIO()
    csv.writer(buffer).writerow(["x", cell, "y"])
    row = next(csv.reader(io.StringIO(buffer.getvalue(), newline="")))
    assert row == ["x", cell, "y"]
    assert unescape_cell(row[1]) == value


def test_metadata_longer_than_csv_default_field_limit_round_trips(app, logged_in):
    # Control characters are written as \u0001 in JSON: six times their length.
    specifications = {f"key{n}": "\x01" * 500 for n in range(50)}
    item = {"item_name": "Big", "quantity": 1, "price": 1, "sku": "BIG-1"}
    response = logged_in.post(
        "/inventory", json=item | {"metadata": {"specifications": specifications}}
    )
    assert response.status_code == 201, response.get_json()
    first = export(logged_in)
    assert (
        max(len(cell) for row in csv.reader(io.StringIO(first)) for cell in row)
        > 128 * 1024
    )
    newcomer = app.test_client()
    AuthActions(newcomer).register_and_login("carol")
    assert import_csv(newcomer, first).status_code == 200
    assert export(newcomer) == first


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
