"""CSV import: updates by SKU, all-or-nothing, dry run, and what it refuses."""

import pytest

from tests.helpers import HEADER, counts, import_csv


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
        ("adjustment", 7, "CSV import"),
        ("opening", 3, None),
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
