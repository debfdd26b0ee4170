"""An item created with stock starts its ledger with that stock (issue 24)."""

from sqlalchemy import func, select

from domain.history import history_row
from extensions import db
from models import History, Item, StockMovement
from tests.helpers import item_payload


def ledger(client, item_id: int) -> dict:
    response = client.get(f"/inventory/{item_id}/movements?verify=true")
    assert response.status_code == 200
    return response.get_json()


def test_a_created_item_shows_its_opening_balance(logged_in):
    created = logged_in.post("/inventory", json=item_payload(quantity=12))
    assert created.status_code == 201
    item = created.get_json()["item"]
    body = ledger(logged_in, item["id"])
    (opening,) = body["movements"]
    assert opening["reason"] == "opening"
    assert (opening["change"], opening["quantity_before"], opening["balance"]) == (
        12,
        0,
        12,
    )
    assert opening["created_at"] == item["created_at"]
    assert body["verification"]["holds"] is True
    # The create's history row has the same moment.
    row = logged_in.get("/history?action_type=create").get_json()["history"][0]
    assert row["timestamp"] == item["created_at"]


def test_an_item_created_empty_has_no_opening_movement(logged_in):
    created = logged_in.post("/inventory", json=item_payload(quantity=0))
    assert created.status_code == 201
    body = ledger(logged_in, created.get_json()["item"]["id"])
    assert body["movements"] == []
    assert body["verification"]["holds"] is True


def test_the_ledger_still_adds_up_after_later_movements(logged_in):
    item_id = logged_in.post("/inventory", json=item_payload(quantity=8)).get_json()[
        "item"
    ]["id"]
    sale = {"reason": "sale", "change": -3}
    assert logged_in.post(f"/inventory/{item_id}/stock", json=sale).status_code == 200
    body = ledger(logged_in, item_id)
    assert [(m["reason"], m["balance"]) for m in body["movements"]] == [
        ("sale", 5),
        ("opening", 8),
    ]
    assert body["verification"] == {
        "holds": True,
        "starting_quantity": 0,
        "movements_total": 5,
        "expected_quantity": 5,
        "quantity": 5,
    }


def test_a_csv_import_create_shows_its_opening_balance(logged_in):
    csv = b"sku,item_name,quantity,price\nNEW-1,Imported,7,2\nNEW-2,Empty,0,1\n"
    response = logged_in.post("/inventory/import", data=csv, content_type="text/csv")
    assert response.status_code == 200, response.get_json()
    items = {i["sku"]: i for i in logged_in.get("/inventory").get_json()["items"]}
    body = ledger(logged_in, items["NEW-1"]["id"])
    assert [(m["reason"], m["change"]) for m in body["movements"]] == [("opening", 7)]
    assert body["verification"]["holds"] is True
    assert ledger(logged_in, items["NEW-2"]["id"])["movements"] == []


def test_a_refused_history_row_undoes_the_item_and_its_opening(
    app, logged_in, monkeypatch
):
    # The item, its opening movement and its history row are one transaction.
    def without_actor(*args, **kwargs):
        return history_row(*args, **kwargs) | {"user_id": None}  # NOT NULL

    monkeypatch.setattr("domain.item_edits.history_row", without_actor)
    response = logged_in.post("/inventory", json=item_payload(quantity=4))
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0
        assert db.session.scalar(select(func.count()).select_from(StockMovement)) == 0
        created = select(func.count()).where(History.action_type == "create")
        assert db.session.scalar(created.select_from(History)) == 0
