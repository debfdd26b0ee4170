"""Stock movements, the ledger, and low-stock alerts."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from columns import utcnow
from domain.history import history_row
from extensions import db
from models import History, Item, StockMovement
from tests.helpers import make_supplier


def move(client, item_id, **body):
    return client.post(f"/inventory/{item_id}/stock", json=body)


def quantity(client, item_id) -> int:
    return client.get(f"/inventory/{item_id}").get_json()["item"]["quantity"]


def test_a_movement_changes_quantity_and_writes_ledger_and_history(
    logged_in, make_item
):
    item = make_item(logged_in, quantity=10)
    response = move(logged_in, item["id"], change=-3, reason="sale", note="Order 17")
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "Stock updated successfully!"
    assert body["item"]["quantity"] == 7
    assert body["item"]["version"] == 2
    assert response.headers["ETag"] == '"2"'
    movement = body["movement"]
    assert (movement["change"], movement["reason"], movement["note"]) == (
        -3,
        "sale",
        "Order 17",
    )
    assert (movement["quantity_before"], movement["balance"]) == (10, 7)
    row = logged_in.get("/history?action_type=stock").get_json()["history"][0]
    assert row["item_id"] == item["id"]
    assert row["changes"] == {"quantity": [10, 7]}
    assert row["details"] == {"reason": "sale", "note": "Order 17", "change": -3}


@pytest.mark.parametrize("reason", ["purchase", "sale", "return", "adjustment"])
def test_every_reason_takes_a_signed_change(logged_in, make_item, reason):
    item = make_item(logged_in, quantity=5)
    assert move(logged_in, item["id"], change=2, reason=reason).status_code == 200
    assert move(logged_in, item["id"], change=-1, reason=reason).status_code == 200
    assert quantity(logged_in, item["id"]) == 6


def test_going_below_zero_is_409_and_changes_nothing(logged_in, make_item):
    item = make_item(logged_in, quantity=2)
    response = move(logged_in, item["id"], change=-3, reason="sale")
    assert response.status_code == 409
    assert response.get_json()["quantity"] == 2
    assert "below zero" in response.get_json()["message"]
    assert quantity(logged_in, item["id"]) == 2
    assert logged_in.get("/history?action_type=stock").get_json()["history"] == []
    movements = logged_in.get(f"/inventory/{item['id']}/movements").get_json()
    # Only the opening balance the item was created with.
    assert [m["reason"] for m in movements["movements"]] == ["opening"]
    # Exactly to zero is fine.
    assert move(logged_in, item["id"], change=-2, reason="sale").status_code == 200


def test_going_above_the_maximum_is_409(logged_in, make_item):
    item = make_item(logged_in, quantity=1_000_000_000)
    response = move(logged_in, item["id"], change=1, reason="purchase")
    assert response.status_code == 409
    assert quantity(logged_in, item["id"]) == 1_000_000_000


def test_a_count_sets_the_quantity_and_records_the_difference(logged_in, make_item):
    item = make_item(logged_in, quantity=10)
    response = move(
        logged_in, item["id"], reason="count", quantity=7, note="Shelf count"
    )
    movement = response.get_json()["movement"]
    assert (movement["change"], movement["quantity_before"], movement["balance"]) == (
        -3,
        10,
        7,
    )
    assert quantity(logged_in, item["id"]) == 7
    # A count that finds what was expected is still recorded.
    same = move(logged_in, item["id"], reason="count", quantity=7).get_json()[
        "movement"
    ]
    assert same["change"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"change": 0, "reason": "purchase"},
        {"reason": "purchase"},
        {"change": 5},
        {"change": 5, "reason": "theft"},
        {"change": 5, "reason": "count"},
        {"quantity": 5, "reason": "purchase"},
        {"reason": "count"},
        {"reason": "count", "quantity": -1},
        {"change": "5", "reason": "purchase"},
        {"change": 1.5, "reason": "purchase"},
        {"change": True, "reason": "purchase"},
        {"change": 10**12, "reason": "purchase"},
        {"change": 1, "reason": "purchase", "note": "x" * 501},
        {"change": 1, "reason": "purchase", "by": "me"},
    ],
)
def test_bad_movements_are_400_and_change_nothing(logged_in, make_item, body):
    item = make_item(logged_in, quantity=5)
    response = logged_in.post(f"/inventory/{item['id']}/stock", json=body)
    assert response.status_code == 400
    assert response.get_json()["status"] == "failed"
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


@pytest.mark.parametrize("target", ["other-users", "missing", "huge"])
@pytest.mark.parametrize("path", ["stock", "movements"])
def test_stock_routes_are_404_for_other_users_items(
    logged_in, other_client, make_item, target, path
):
    bobs = make_item(other_client, quantity=5)
    item_id = {"other-users": bobs["id"], "missing": 999, "huge": 10**30}[target]
    if path == "stock":
        response = move(logged_in, item_id, change=-1, reason="sale")
    else:
        response = logged_in.get(f"/inventory/{item_id}/movements")
    assert response.status_code == 404
    assert quantity(other_client, bobs["id"]) == 5


def test_a_plain_put_of_quantity_is_an_adjustment_movement(logged_in, make_item):
    item = make_item(logged_in, quantity=5)
    logged_in.put(
        f"/inventory/{item['id']}", json={"quantity": 8, "item_name": "Renamed"}
    )
    logged_in.put(f"/inventory/{item['id']}", json={"item_name": "No quantity change"})
    movements = logged_in.get(f"/inventory/{item['id']}/movements").get_json()[
        "movements"
    ]
    assert [(m["reason"], m["change"], m["balance"]) for m in movements] == [
        ("adjustment", 3, 8),
        ("opening", 5, 5),
    ]


def test_movements_are_newest_first_with_running_balance(logged_in, make_item):
    item = make_item(logged_in, quantity=10)
    for change in (5, -2, -4):
        move(logged_in, item["id"], change=change, reason="adjustment")
    move(logged_in, item["id"], reason="count", quantity=20)
    body = logged_in.get(f"/inventory/{item['id']}/movements").get_json()
    assert [(m["change"], m["balance"]) for m in body["movements"]] == [
        (11, 20),
        (-4, 9),
        (-2, 13),
        (5, 15),
        (10, 10),  # the opening balance
    ]
    page = logged_in.get(
        f"/inventory/{item['id']}/movements?per_page=3&page=2"
    ).get_json()
    assert [m["change"] for m in page["movements"]] == [5, 10]
    assert page["pagination"]["total"] == 5


def test_verify_says_whether_the_ledger_adds_up(app, logged_in, make_item):
    item = make_item(logged_in, quantity=10)
    move(logged_in, item["id"], change=-4, reason="sale")
    logged_in.patch(f"/inventory/{item['id']}", json={"quantity": 20})
    verification = logged_in.get(
        f"/inventory/{item['id']}/movements?verify=true"
    ).get_json()["verification"]
    # The opening balance is a movement: the ledger starts at 0.
    assert verification == {
        "holds": True,
        "starting_quantity": 0,
        "movements_total": 20,
        "expected_quantity": 20,
        "quantity": 20,
    }
    # Change the quantity behind the API's back: verification must notice.
    with app.app_context():
        db.session.execute(
            update(Item).where(Item.id == item["id"]).values(quantity=21)
        )
        db.session.commit()
    verification = logged_in.get(
        f"/inventory/{item['id']}/movements?verify=true"
    ).get_json()["verification"]
    assert verification["holds"] is False
    assert (verification["expected_quantity"], verification["quantity"]) == (20, 21)


def test_reaching_the_reorder_level_is_flagged(logged_in, make_item):
    item = make_item(logged_in, quantity=6, reorder_level=4)
    first = move(logged_in, item["id"], change=-1, reason="sale").get_json()
    assert first["low_stock"] is False
    second = move(logged_in, item["id"], change=-1, reason="sale").get_json()
    assert second["low_stock"] is True
    assert second["item"]["low_stock"] is True


@pytest.fixture
def supplier(logged_in):
    return make_supplier(logged_in, "Acme")


def test_low_stock_alerts_most_urgent_first_with_suggestions(
    app, logged_in, other_client, make_item, supplier
):
    out = make_item(
        logged_in,
        item_name="Out",
        quantity=5,
        reorder_level=3,
        supplier_id=supplier["id"],
    )
    half = make_item(logged_in, item_name="Half", quantity=5, reorder_level=10)
    make_item(logged_in, item_name="Edge", quantity=4, reorder_level=4)
    make_item(logged_in, item_name="Plenty", quantity=50, reorder_level=4)
    make_item(
        logged_in, item_name="Inactive", quantity=0, reorder_level=4, status="inactive"
    )
    make_item(other_client, item_name="Bobs", quantity=0, reorder_level=4)
    # Sales: 5 units of "Out" recently, 7 of "Half" long ago (not counted).
    move(logged_in, out["id"], change=-5, reason="sale")
    move(logged_in, half["id"], change=3, reason="purchase")
    move(logged_in, half["id"], change=-3, reason="sale")
    with app.app_context():
        db.session.execute(
            update(StockMovement)
            .where(StockMovement.item_id == half["id"])
            .values(created_at=utcnow() - timedelta(days=31))
        )
        db.session.commit()

    alerts = logged_in.get("/alerts/low-stock").get_json()["alerts"]
    assert [a["item_name"] for a in alerts] == ["Out", "Half", "Edge"]
    out_alert, half_alert, edge_alert = alerts
    assert out_alert == {
        "item_id": out["id"],
        "item_name": "Out",
        "sku": None,
        "quantity": 0,
        "reorder_level": 3,
        "shortfall": 3,
        "out_of_stock": True,
        "supplier": {"id": supplier["id"], "name": "Acme"},
        "sold_last_30_days": 5,
        "suggested_reorder_quantity": 8,
    }
    assert (half_alert["shortfall"], half_alert["sold_last_30_days"]) == (5, 0)
    assert half_alert["suggested_reorder_quantity"] == 5
    assert (edge_alert["shortfall"], edge_alert["suggested_reorder_quantity"]) == (0, 1)


def test_low_stock_alerts_are_paginated_and_need_login(app, logged_in, make_item):
    for number in range(3):
        make_item(logged_in, item_name=f"Low {number}", quantity=0, reorder_level=1)
    body = logged_in.get("/alerts/low-stock?per_page=2").get_json()
    assert len(body["alerts"]) == 2
    assert body["pagination"]["total"] == 3
    assert logged_in.get("/alerts/low-stock?per_page=0").status_code == 400
    assert app.test_client().get("/alerts/low-stock").status_code == 401


def test_stock_history_row_is_rolled_back_with_the_movement(
    app, logged_in, make_item, monkeypatch
):
    item = make_item(logged_in, quantity=5)

    def broken(*args, **kwargs):
        raise RuntimeError("history failed")

    monkeypatch.setattr("domain.stock.history_row", broken)
    response = move(logged_in, item["id"], change=-1, reason="sale")
    assert response.status_code == 500
    assert_nothing_moved(app, logged_in, item)


def test_a_history_row_the_database_refuses_undoes_the_whole_movement(
    app, logged_in, make_item, monkeypatch
):
    # The ledger row and the history row are written together (one statement
    # on PostgreSQL, two on SQLite): when the database refuses the history row,
    # the item's quantity and its ledger row go with it.
    item = make_item(logged_in, quantity=5)

    def without_actor(*args, **kwargs):
        return history_row(*args, **kwargs) | {"user_id": None}  # NOT NULL

    monkeypatch.setattr("domain.stock.history_row", without_actor)
    response = move(logged_in, item["id"], change=-1, reason="sale")
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    assert_nothing_moved(app, logged_in, item)


def assert_nothing_moved(app, client, item) -> None:
    assert quantity(client, item["id"]) == 5
    with app.app_context():
        # The ledger holds only the item's opening balance.
        reasons = db.session.scalars(select(StockMovement.reason)).all()
        assert reasons == ["opening"]
        assert (
            db.session.scalar(select(History).where(History.action_type == "stock"))
            is None
        )
