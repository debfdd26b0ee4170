"""Text input: no NUL anywhere, no invisible-only names.

Run on both backends: PostgreSQL cannot store NUL at all.
"""

import sqlite3
from unittest.mock import ANY

import pytest
from sqlalchemy import exc, text

from extensions import db
from models import Category, Item
from tests.helpers import count, item_payload

NUL = "\u0000"
NUL_MESSAGE = "Must not contain the NUL character (U+0000)."
NOT_BLANK_MESSAGE = "Must not be blank, nor contain the NUL character (U+0000)."


def assert_refused(response, field: str, message: str | None = None) -> None:
    """A 400 in the error envelope naming ``field``."""
    assert response.status_code == 400, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "failed"
    problems = {error["field"]: error["message"] for error in body["errors"]}
    assert field in problems, body
    if message is not None:
        assert problems[field] == message


# --- NUL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("username", "Must be 3-30 letters, digits or underscores."),
        ("email", "Must be a valid e-mail address."),
        ("password", "Must contain a letter and a digit, and no NUL (U+0000)."),
    ],
)
def test_register_refuses_nul_in_each_field(client, field, message):
    body = {"username": "alice", "email": "a@example.com", "password": "password123"}
    body[field] = body[field][:3] + NUL + body[field][3:]
    assert_refused(client.post("/register", json=body), field, message)


@pytest.mark.parametrize("field", ["username", "password"])
def test_anonymous_login_refuses_nul_in_each_field(client, field):
    body = {"username": "alice", "password": "password123"}
    body[field] += NUL
    assert_refused(client.post("/login", json=body), field, NUL_MESSAGE)


ITEM_FIELDS_WITH_NUL = [
    ({"item_name": f"Ham{NUL}mer"}, "item_name", NOT_BLANK_MESSAGE),
    ({"description": f"A{NUL}"}, "description", NUL_MESSAGE),
    ({"sku": f"HAM{NUL}1"}, "sku", None),
    ({"metadata": {"tags": [f"st{NUL}eel"]}}, "metadata.tags.0", NOT_BLANK_MESSAGE),
    (
        {"metadata": {"specifications": {f"we{NUL}ight": 4}}},
        f"metadata.specifications.we{NUL}ight.[key]",
        NOT_BLANK_MESSAGE,
    ),
    (
        {"metadata": {"specifications": {"grip": f"rub{NUL}ber"}}},
        "metadata.specifications.grip.constrained-str",
        NUL_MESSAGE,
    ),
    *(
        ({"metadata": {key: f"x{NUL}"}}, f"metadata.{key}", NUL_MESSAGE)
        for key in (
            "care_instructions",
            "seo_title",
            "seo_description",
            "vendor_notes",
        )
    ),
]


@pytest.mark.parametrize(("fields", "field", "message"), ITEM_FIELDS_WITH_NUL)
def test_item_create_refuses_nul_in_each_text_field(
    app, logged_in, fields, field, message
):
    response = logged_in.post("/inventory", json=item_payload(**fields))
    assert_refused(response, field, message)
    assert count(app, Item) == 0


@pytest.mark.parametrize(("fields", "field", "message"), ITEM_FIELDS_WITH_NUL)
def test_item_update_refuses_nul_in_each_text_field(
    logged_in, make_item, fields, field, message
):
    item = make_item(logged_in)
    response = logged_in.patch(f"/inventory/{item['id']}", json=fields)
    assert_refused(response, field, message)
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


CATALOG_FIELDS_WITH_NUL = [
    ("categories", "name", NOT_BLANK_MESSAGE),
    ("categories", "description", NUL_MESSAGE),
    ("suppliers", "name", NOT_BLANK_MESSAGE),
    ("suppliers", "contact_name", NUL_MESSAGE),
    ("suppliers", "email", "Must be a valid e-mail address."),
    ("suppliers", "phone", None),
    ("suppliers", "address", NUL_MESSAGE),
]


@pytest.mark.parametrize(("resource", "field", "message"), CATALOG_FIELDS_WITH_NUL)
def test_catalog_refuses_nul_in_each_field(admin, resource, field, message):
    body = {"name": "Tools", field: f"a{NUL}@example.com"}
    assert_refused(admin.post(f"/{resource}", json=body), field, message)
    created = admin.post(f"/{resource}", json={"name": "Tools"}).get_json()
    entry_id = created["category" if resource == "categories" else "supplier"]["id"]
    response = admin.patch(f"/{resource}/{entry_id}", json=body)
    assert_refused(response, field, message)


@pytest.mark.parametrize(
    "movement",
    [
        {"reason": "sale", "change": -1},
        {"reason": "count", "quantity": 3},
    ],
)
def test_stock_notes_refuse_nul(logged_in, make_item, movement):
    item = make_item(logged_in)
    response = logged_in.post(
        f"/inventory/{item['id']}/stock", json=movement | {"note": f"Order{NUL}17"}
    )
    assert_refused(response, "note", NUL_MESSAGE)
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/inventory", "q"),
        ("/inventory", "tag"),
        ("/inventory/export.csv", "q"),
        ("/inventory/export.csv", "tag"),
        ("/categories", "q"),
        ("/suppliers", "q"),
        ("/users", "q"),
    ],
)
def test_query_parameters_refuse_nul(admin, path, parameter):
    response = admin.get(path, query_string={parameter: f"caf{NUL}é"})
    assert_refused(response, parameter, NOT_BLANK_MESSAGE)
    assert response.get_json()["message"] == "Invalid query parameters."


HEADER = "sku,item_name,description,quantity,price,status,category,supplier,metadata"


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"sku": f"HAM{NUL}"}, "sku"),
        ({"item_name": f"Ham{NUL}mer"}, "item_name"),
        ({"description": f"Heavy{NUL}"}, "description"),
        ({"quantity": f"3{NUL}"}, "quantity"),
        ({"price": f"1{NUL}"}, "price"),
        ({"status": f"active{NUL}"}, "status"),
        ({"category": f"Tools{NUL}"}, "category"),
        ({"supplier": f"Acme{NUL}"}, "supplier"),
        ({"metadata": '{"tags": ["a\\u0000"]}'}, "metadata.tags.0"),
    ],
)
def test_csv_import_refuses_nul_in_each_cell_naming_row_and_column(
    app, logged_in, cells, column
):
    row = {
        "sku": "HAM-1",
        "item_name": "Hammer",
        "description": "",
        "quantity": "3",
        "price": "15",
        "status": "active",
        "category": "",
        "supplier": "",
        "metadata": "",
    } | cells
    data = f"{HEADER}\n{','.join(row.values())}\n".encode()
    response = logged_in.post("/inventory/import", data=data, content_type="text/csv")
    assert response.status_code == 400, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert {(error["row"], error["field"]) for error in errors} == {(2, column)}
    assert count(app, Item) == 0


def test_a_database_error_the_validation_missed_is_a_json_500_without_details(app):
    # Validation should refuse everything a database cannot store; if some
    # input slips through, the client still gets the envelope, never a page
    # with the driver's message.
    @app.get("/test-unvalidated")
    def unvalidated():
        if db.engine.dialect.name == "postgresql":
            # psycopg refuses NUL in text itself: a DataError.
            db.session.execute(text("SELECT CAST(:value AS text)"), {"value": NUL})
        # SQLite stores NUL, so raise the same family of error by hand.
        raise exc.DataError(
            "SELECT :value", {"value": NUL}, sqlite3.DataError("NUL in text")
        )

    response = app.test_client().get("/test-unvalidated")
    assert response.status_code == 500
    assert response.mimetype == "application/json"
    assert response.get_json() == {
        "status": "failed",
        "message": "Internal server error.",
        "errors": [],
        "timestamp": ANY,
    }


# --- Blank names --------------------------------------------------------------

# Each looks empty: no-break, em and ideographic spaces, zero-width space and
# joiner, word joiner, byte-order mark, and a mix with ordinary blanks.
INVISIBLE = [
    "\u00a0",
    "\u2003",
    "\u3000",
    "\u200b",
    "\u200d",
    "\u2060",
    "\ufeff",
    " \u00a0\t\u200b\u3000\n",
]


@pytest.mark.parametrize("name", INVISIBLE)
def test_item_names_cannot_be_invisible(app, logged_in, make_item, name):
    response = logged_in.post("/inventory", json=item_payload(item_name=name))
    assert_refused(response, "item_name", NOT_BLANK_MESSAGE)
    assert count(app, Item) == 0
    item = make_item(logged_in)
    response = logged_in.put(f"/inventory/{item['id']}", json={"item_name": name})
    assert_refused(response, "item_name", NOT_BLANK_MESSAGE)


@pytest.mark.parametrize("resource", ["categories", "suppliers"])
@pytest.mark.parametrize("name", INVISIBLE)
def test_catalog_names_cannot_be_invisible(app, admin, resource, name):
    assert_refused(admin.post(f"/{resource}", json={"name": name}), "name")
    assert count(app, Category) == 0


@pytest.mark.parametrize("name", INVISIBLE)
def test_tags_and_searches_cannot_be_invisible(logged_in, name):
    response = logged_in.post(
        "/inventory", json=item_payload(metadata={"tags": ["ok", name]})
    )
    assert_refused(response, "metadata.tags.1", NOT_BLANK_MESSAGE)
    assert_refused(logged_in.get("/inventory", query_string={"q": name}), "q")
    assert_refused(logged_in.get("/inventory", query_string={"tag": name}), "tag")


def test_invisible_characters_are_trimmed_from_names_and_tags(logged_in, admin):
    item = logged_in.post(
        "/inventory",
        json=item_payload(
            item_name="\u200b\u00a0Hammer\u3000\ufeff",
            metadata={"tags": ["\u2060Hand\u2003 \u00a0tools\u200b"]},
        ),
    ).get_json()["item"]
    assert item["item_name"] == "Hammer"
    assert item["metadata"]["tags"] == ["hand tools"]
    category = admin.post("/categories", json={"name": "\u2003Tools\u200d"})
    assert category.get_json()["category"]["name"] == "Tools"


def test_visible_text_with_joiners_inside_is_kept(logged_in):
    # A zero-width joiner inside an emoji sequence is part of the name.
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    response = logged_in.post("/inventory", json=item_payload(item_name=family))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["item"]["item_name"] == family
