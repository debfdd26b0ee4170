"""Inventory CRUD: the seed's contract, validation and ownership."""

from unittest.mock import ANY

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Item
from tests.helpers import item_payload


def item_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Item))


def test_create_returns_201_with_item_id(logged_in):
    response = logged_in.post("/inventory", json=item_payload())
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "successful"
    assert body["message"] == "Item created successfully!"
    assert body["item_id"] == body["item"]["id"]
    assert response.headers["Location"] == f"/inventory/{body['item_id']}"
    assert body["item"] | {"created_at": None, "updated_at": None} == {
        "id": body["item_id"],
        "item_name": "Laptop",
        "description": "Dell XPS",
        "quantity": 5,
        "price": 1200.0,
        "sku": None,
        "category_id": None,
        "category_name": None,
        "supplier_id": None,
        "supplier_name": None,
        "cost_price": None,
        "reorder_level": 0,
        "status": "active",
        "expiry_date": None,
        "low_stock": False,
        "version": 1,
        "metadata": {
            "tags": [],
            "specifications": {},
            "care_instructions": None,
            "seo_title": None,
            "seo_description": None,
            "vendor_notes": None,
        },
        "created_at": None,
        "updated_at": None,
    }


def test_create_trims_name_and_accepts_integer_price(logged_in, make_item):
    item = make_item(logged_in, item_name="  Mouse  ", price=25, description=None)
    assert item["item_name"] == "Mouse"
    assert item["price"] == 25.0
    assert item["description"] is None


@pytest.mark.parametrize(
    ("sent", "stored"),
    [(19.999, 20.0), (19.994, 19.99), (19.995, 20.0), (0.004, 0.0), (1e-9, 0.0)],
)
def test_prices_are_rounded_to_whole_cents(logged_in, make_item, sent, stored):
    assert make_item(logged_in, price=sent, cost_price=sent)["price"] == stored


@pytest.mark.parametrize(
    ("field", "value"),
    [("item_name", "   "), ("item_name", "\t\n"), ("description", "x" * 501)],
)
def test_blank_names_are_refused_but_names_are_trimmed(logged_in, field, value):
    response = logged_in.post("/inventory", json=item_payload(**{field: value}))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == field


def test_price_keeps_cents_exactly(logged_in, make_item):
    item = make_item(logged_in, price=0.1)
    fetched = logged_in.get(f"/inventory/{item['id']}").get_json()["item"]
    assert fetched["price"] == 0.1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("item_name", ""),
        ("item_name", "   "),
        ("item_name", "x" * 101),
        ("item_name", 42),
        ("item_name", None),
        ("description", "x" * 501),
        ("description", 7),
        ("quantity", -1),
        ("quantity", 1_000_000_001),
        ("quantity", 10**30),
        ("quantity", "5"),
        ("quantity", 5.5),
        ("quantity", True),
        ("quantity", None),
        ("price", -0.01),
        ("price", 1_000_000_000.01),
        ("price", "1200"),
        ("price", True),
        ("price", float("inf")),
        ("price", None),
    ],
)
def test_create_rejects_each_bad_field(app, logged_in, field, value):
    response = logged_in.post("/inventory", json=item_payload(**{field: value}))
    assert response.status_code == 400
    body = response.get_json()
    assert body["status"] == "failed"
    assert [error["field"] for error in body["errors"]] == [field]
    assert item_count(app) == 0


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_prices_are_rejected(app, logged_in, literal):
    body = (
        '{"item_name": "x", "quantity": 1, "price": %s}' % literal  # noqa: UP031
    )
    response = logged_in.post("/inventory", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "price"
    assert item_count(app) == 0


@pytest.mark.parametrize("missing", ["item_name", "quantity", "price"])
def test_create_requires_name_quantity_and_price(logged_in, missing):
    payload = item_payload()
    del payload[missing]
    response = logged_in.post("/inventory", json=payload)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": missing, "message": "This field is required."}
    ]


def test_unknown_field_is_rejected_by_name(logged_in):
    response = logged_in.post("/inventory", json=item_payload(colour="red"))
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": "colour", "message": "Unknown field."}
    ]


def test_get_one_item(logged_in, make_item):
    item = make_item(logged_in)
    response = logged_in.get(f"/inventory/{item['id']}")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "message": "Item retrieved successfully!",
        "item": item,
        "timestamp": ANY,
    }


@pytest.mark.parametrize("method", ["put", "patch"])
def test_update_is_partial(logged_in, make_item, method):
    item = make_item(logged_in)
    response = getattr(logged_in, method)(
        f"/inventory/{item['id']}", json={"quantity": 10}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["message"] == "Item updated successfully!"
    assert body["item"]["quantity"] == 10
    assert body["item"]["item_name"] == "Laptop"
    assert body["item"]["description"] == "Dell XPS"
    assert body["item"]["price"] == 1200.0


def test_update_seed_example(logged_in, make_item):
    item = make_item(logged_in)
    response = logged_in.put(
        f"/inventory/{item['id']}",
        json={"item_name": "Updated Laptop", "quantity": 10, "price": 1100.00},
    )
    assert response.status_code == 200
    updated = logged_in.get(f"/inventory/{item['id']}").get_json()["item"]
    assert (updated["item_name"], updated["quantity"], updated["price"]) == (
        "Updated Laptop",
        10,
        1100.0,
    )
    assert updated["updated_at"] > item["updated_at"]


def test_description_can_be_cleared_with_null(logged_in, make_item):
    item = make_item(logged_in)
    response = logged_in.patch(f"/inventory/{item['id']}", json={"description": None})
    assert response.get_json()["item"]["description"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("item_name", None),
        ("item_name", ""),
        ("quantity", None),
        ("quantity", -5),
        ("price", None),
        ("price", "free"),
        ("owner", "bob"),
    ],
)
def test_update_rejects_bad_fields_and_changes_nothing(
    logged_in, make_item, field, value
):
    item = make_item(logged_in)
    response = logged_in.put(
        f"/inventory/{item['id']}", json={"quantity": 99, field: value}
    )
    assert response.status_code == 400
    assert [error["field"] for error in response.get_json()["errors"]] == [field]
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


def test_delete_removes_the_item(app, logged_in, make_item):
    item = make_item(logged_in)
    response = logged_in.delete(f"/inventory/{item['id']}")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "successful",
        "message": "Item deleted successfully!",
        "item_id": item["id"],
        "timestamp": ANY,
    }
    assert logged_in.get(f"/inventory/{item['id']}").status_code == 404
    assert item_count(app) == 0


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("put", {"quantity": 1}), ("patch", {"quantity": 1}), ("delete", None)],
)  # fmt: skip
@pytest.mark.parametrize("item_id", ["other-users", "missing", "huge"])
def test_item_routes_answer_404_for_other_users_and_missing_ids(
    logged_in, other_client, make_item, method, body, item_id
):
    bobs_item = make_item(other_client)
    path_id = {"other-users": bobs_item["id"], "missing": 9999, "huge": 10**30}[item_id]
    response = getattr(logged_in, method)(f"/inventory/{path_id}", json=body)
    assert response.status_code == 404
    assert response.get_json() == {
        "status": "failed",
        "message": "Item not found.",
        "errors": [],
        "timestamp": ANY,
    }
    # Bob's item is untouched.
    assert other_client.get(f"/inventory/{bobs_item['id']}").get_json()["item"] == (
        bobs_item
    )
