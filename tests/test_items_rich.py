"""Rich item fields (SKU, catalog links, cost, reorder level, status, metadata)."""

import pytest

from tests.helpers import item_payload, make_category, make_supplier


@pytest.fixture
def catalog(logged_in):
    """One category and one supplier in alice's team, created by her (its admin)."""
    category = make_category(logged_in, "Wearables")
    supplier = make_supplier(logged_in, "Acme")
    return {"category": category, "supplier": supplier, "admin": logged_in}


def full_item(catalog, **overrides):
    return item_payload(
        sku="SW-PRO-42",
        category_id=catalog["category"]["id"],
        supplier_id=catalog["supplier"]["id"],
        cost_price=80.5,
        reorder_level=3,
        status="active",
        metadata={
            "tags": ["Wearable", " electronics ", "WEARABLE", "smart   watch"],
            "specifications": {"weight_g": 40, "colour": "black", "battery_h": 36.5},
            "care_instructions": "Keep away from water.",
            "seo_title": "Smartwatch Pro | Brand X",
            "seo_description": "The watch that does everything.",
            "vendor_notes": "Ships in 2 days.",
        },
        **overrides,
    )


def test_all_new_fields_round_trip_with_names_embedded(logged_in, catalog):
    response = logged_in.post("/inventory", json=full_item(catalog))
    assert response.status_code == 201
    item = response.get_json()["item"]
    assert item["sku"] == "SW-PRO-42"
    assert (item["category_id"], item["category_name"]) == (
        catalog["category"]["id"],
        "Wearables",
    )
    assert (item["supplier_id"], item["supplier_name"]) == (
        catalog["supplier"]["id"],
        "Acme",
    )
    assert (item["cost_price"], item["reorder_level"], item["status"]) == (
        80.5,
        3,
        "active",
    )
    assert item["metadata"]["tags"] == ["wearable", "electronics", "smart watch"]
    assert item["metadata"]["specifications"] == {
        "weight_g": 40,
        "colour": "black",
        "battery_h": 36.5,
    }
    assert item["metadata"]["seo_title"] == "Smartwatch Pro | Brand X"
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


def test_renaming_a_category_shows_in_its_items(logged_in, catalog):
    item = logged_in.post("/inventory", json=full_item(catalog)).get_json()["item"]
    catalog["admin"].patch(
        f"/categories/{catalog['category']['id']}", json={"name": "Watches"}
    )
    assert (
        logged_in.get(f"/inventory/{item['id']}").get_json()["item"]["category_name"]
        == "Watches"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("sku", ""),
        ("sku", "has space"),
        ("sku", "-leading-dash"),
        ("sku", "x" * 65),
        ("sku", 42),
        ("category_id", 0),
        ("category_id", "1"),
        ("category_id", True),
        ("supplier_id", -3),
        ("cost_price", -1),
        ("cost_price", -0.01),
        ("cost_price", "10"),
        ("reorder_level", -1),
        ("reorder_level", 1.5),
        ("reorder_level", 1_000_000_001),
        ("status", "archived"),
        ("status", None),
        ("metadata", None),
        ("metadata", []),
        ("metadata", {"colour": "red"}),
        ("metadata", {"tags": "wearable"}),
        ("metadata", {"tags": ["x"] * 21}),
        ("metadata", {"tags": ["x" * 51]}),
        ("metadata", {"tags": [""]}),
        ("metadata", {"tags": [7]}),
        ("metadata", {"specifications": {f"k{i}": i for i in range(51)}}),
        ("metadata", {"specifications": {"ok": True}}),
        ("metadata", {"specifications": {"ok": [1, 2]}}),
        ("metadata", {"specifications": {"ok": {"nested": 1}}}),
        ("metadata", {"specifications": {"ok": None}}),
        ("metadata", {"specifications": {"": 1}}),
        ("metadata", {"seo_title": "x" * 151}),
        ("metadata", {"seo_description": "x" * 301}),
        ("metadata", {"care_instructions": 5}),
    ],
)
def test_each_new_field_is_validated(logged_in, field, value):
    response = logged_in.post("/inventory", json=item_payload(**{field: value}))
    assert response.status_code == 400, response.get_json()
    errors = response.get_json()["errors"]
    assert errors and all(error["field"].startswith(field) for error in errors)
    assert logged_in.get("/inventory").get_json()["items"] == []


@pytest.mark.parametrize("field", ["category_id", "supplier_id"])
def test_links_to_missing_catalog_entries_are_400_naming_the_field(logged_in, field):
    response = logged_in.post("/inventory", json=item_payload(**{field: 999}))
    assert response.status_code == 400
    assert response.get_json()["errors"] == [
        {"field": field, "message": f"No {field.removesuffix('_id')} with id 999."}
    ]


def test_sku_is_unique_per_owner_ignoring_case(logged_in, other_client, make_item):
    first = make_item(logged_in, sku="ABC-1")
    response = logged_in.post("/inventory", json=item_payload(sku="abc-1"))
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "sku"
    # Another owner may use the same SKU.
    make_item(other_client, sku="ABC-1")
    # Updating an item to its own SKU is fine; to another's is not.
    second = make_item(logged_in, sku="XYZ")
    assert (
        logged_in.patch(f"/inventory/{first['id']}", json={"sku": "ABC-1"}).status_code
        == 200
    )
    assert (
        logged_in.patch(f"/inventory/{second['id']}", json={"sku": "Abc-1"}).status_code
        == 409
    )


def test_metadata_is_replaced_as_a_whole_and_recorded(logged_in, catalog):
    item = logged_in.post("/inventory", json=full_item(catalog)).get_json()["item"]
    new_metadata = {"tags": ["Sale"], "specifications": {"size": "L"}}
    response = logged_in.patch(
        f"/inventory/{item['id']}", json={"metadata": new_metadata}
    )
    metadata = response.get_json()["item"]["metadata"]
    assert metadata == {
        "tags": ["sale"],
        "specifications": {"size": "L"},
        "care_instructions": None,
        "seo_title": None,
        "seo_description": None,
        "vendor_notes": None,
    }
    change = logged_in.get("/history?action_type=update").get_json()["history"][0][
        "changes"
    ]
    assert change["metadata"][1] == metadata
    assert change["metadata"][0]["tags"] == ["wearable", "electronics", "smart watch"]


def test_clearing_links_and_cost_with_null(logged_in, catalog):
    item = logged_in.post("/inventory", json=full_item(catalog)).get_json()["item"]
    response = logged_in.patch(
        f"/inventory/{item['id']}",
        json={
            "category_id": None,
            "supplier_id": None,
            "cost_price": None,
            "sku": None,
        },
    )
    updated = response.get_json()["item"]
    assert (
        updated["category_name"],
        updated["supplier_name"],
        updated["cost_price"],
        updated["sku"],
    ) == (
        None,
        None,
        None,
        None,
    )


def test_deleting_an_item_removes_its_tags(app, logged_in, catalog):
    from sqlalchemy import func, select

    from extensions import db
    from models import ItemTag

    item = logged_in.post("/inventory", json=full_item(catalog)).get_json()["item"]
    logged_in.delete(f"/inventory/{item['id']}")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ItemTag)) == 0


def test_every_endpoint_shows_an_item_the_same_way(logged_in, catalog):
    # Writes and the single-item read build the view from database rows
    # (item_store); lists, alerts and exports from ORM objects. A client must
    # not be able to tell: the same item looks the same everywhere.
    created = logged_in.post("/inventory", json=full_item(catalog)).get_json()["item"]
    item_id = created["id"]

    def shown_by_get():
        return logged_in.get(f"/inventory/{item_id}").get_json()["item"]

    def shown_in_list():
        (listed,) = logged_in.get("/inventory").get_json()["items"]
        return listed

    assert created == shown_by_get() == shown_in_list()
    assert (created["category_name"], created["supplier_name"]) == ("Wearables", "Acme")

    moved = logged_in.post(
        f"/inventory/{item_id}/stock", json={"change": -2, "reason": "sale"}
    ).get_json()["item"]
    assert moved == shown_by_get() == shown_in_list()
    assert (moved["quantity"], moved["version"]) == (created["quantity"] - 2, 2)

    counted = logged_in.post(
        f"/inventory/{item_id}/stock", json={"quantity": 7, "reason": "count"}
    ).get_json()["item"]
    assert counted == shown_by_get() == shown_in_list()

    other = catalog["admin"].post("/categories", json={"name": "Clocks"}).get_json()
    updated = logged_in.put(
        f"/inventory/{item_id}",
        json={"category_id": other["category"]["id"], "metadata": {"tags": ["new"]}},
    ).get_json()["item"]
    assert updated == shown_by_get() == shown_in_list()
    assert (updated["category_name"], updated["supplier_name"]) == ("Clocks", "Acme")
    assert updated["metadata"]["tags"] == ["new"]
    assert logged_in.get("/inventory?tag=new").get_json()["items"] == [updated]
    assert logged_in.get("/inventory?tag=wearable").get_json()["items"] == []
