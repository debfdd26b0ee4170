"""Ids are never reused: an id a client or a history row holds means one thing.

Without AUTOINCREMENT, SQLite gives a new row max(id) + 1, which is the id of
the newest row if it was just deleted. PostgreSQL's sequences never go back;
the same tests run there.
"""

import pytest
from sqlalchemy import delete, func, select

from extensions import db
from models import History, IdempotencyKey, StockMovement, User
from tests.helpers import AuthActions, item_payload


def test_every_table_with_an_id_is_declared_never_to_reuse_it():
    tables = [table for table in db.metadata.tables.values() if "id" in table.c]
    assert {table.name for table in tables} >= {
        "users",
        "categories",
        "suppliers",
        "inventory",
        "stock_movements",
        "history",
        "idempotency_keys",
    }
    for table in tables:
        assert table.dialect_options["sqlite"]["autoincrement"], table.name


def test_a_deleted_items_id_is_not_given_to_the_next_item(logged_in):
    first = logged_in.post("/inventory", json=item_payload(item_name="Old")).get_json()
    old_id = first["item_id"]
    assert logged_in.delete(f"/inventory/{old_id}").status_code == 200
    second = logged_in.post("/inventory", json=item_payload(item_name="New"))
    assert second.get_json()["item_id"] != old_id
    # So the old item's history is only the old item's.
    history = logged_in.get(f"/history?item_id={old_id}").get_json()["history"]
    assert {row["item_name"] for row in history} == {"Old"}
    assert [row["action_type"] for row in history] == ["delete", "create"]


@pytest.mark.parametrize(("resource", "singular"), [
    ("categories", "category"),
    ("suppliers", "supplier"),
])  # fmt: skip
def test_a_deleted_catalog_entrys_id_is_not_reused(admin, resource, singular):
    old = admin.post(f"/{resource}", json={"name": "Old"}).get_json()[singular]
    assert admin.delete(f"/{resource}/{old['id']}").status_code == 200
    new = admin.post(f"/{resource}", json={"name": "New"}).get_json()[singular]
    assert new["id"] != old["id"]
    assert admin.get(f"/{resource}/{old['id']}").status_code == 404


def test_a_deleted_items_movements_ids_are_not_reused(logged_in, make_item):
    old = make_item(logged_in)
    sale = {"reason": "sale", "change": -1}
    old_movement = logged_in.post(f"/inventory/{old['id']}/stock", json=sale)
    old_movement_id = old_movement.get_json()["movement"]["id"]
    logged_in.delete(f"/inventory/{old['id']}")  # its ledger goes with it
    new = make_item(logged_in)
    new_movement = logged_in.post(f"/inventory/{new['id']}/stock", json=sale)
    assert new_movement.get_json()["movement"]["id"] != old_movement_id


def delete_newest(app, model) -> int:
    """Delete the newest row of ``model`` directly; return its id."""
    with app.app_context():
        newest = db.session.scalar(select(func.max(model.id)))
        db.session.execute(delete(model).where(model.id == newest))
        db.session.commit()
    return newest


def newest_id(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.max(model.id)))


def test_a_deleted_users_id_is_not_reused(app, client):
    # The API has no way to delete users; the database would (and its
    # history rows name users by id).
    auth = AuthActions(client)
    assert auth.register("old_user").status_code == 201
    old_id = delete_newest(app, User)
    assert auth.register("new_user").status_code == 201
    assert newest_id(app, User) != old_id


def test_a_deleted_history_rows_id_is_not_reused(app, logged_in, make_item):
    make_item(logged_in)
    old_id = delete_newest(app, History)
    make_item(logged_in)
    assert newest_id(app, History) != old_id


def test_a_deleted_idempotency_keys_id_is_not_reused(app, logged_in):
    def create(key: str) -> None:
        response = logged_in.post(
            "/inventory", json=item_payload(), headers={"Idempotency-Key": key}
        )
        assert response.status_code == 201, response.get_json()

    create("first")
    old_id = delete_newest(app, IdempotencyKey)
    create("second")
    assert newest_id(app, IdempotencyKey) != old_id


def test_movements_after_a_deleted_newest_movement_get_new_ids(
    app, logged_in, make_item
):
    item = make_item(logged_in)
    sale = {"reason": "sale", "change": -1}
    logged_in.post(f"/inventory/{item['id']}/stock", json=sale)
    old_id = delete_newest(app, StockMovement)
    logged_in.post(f"/inventory/{item['id']}/stock", json=sale)
    assert newest_id(app, StockMovement) != old_id
