"""CSV round trip: export, import and export again gives the same file."""

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.csv_cells import escape_cell, unescape_cell
from tests.helpers import AuthActions, export, import_csv, make_category, make_supplier


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
