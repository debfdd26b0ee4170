"""Expiry dates: on items, in CSV, as a list filter, and as an alert."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import make_item


def in_days(days: int) -> str:
    """Return the ISO date ``days`` from today (UTC), negative for the past."""
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def test_an_item_has_no_expiry_date_unless_given(logged_in):
    assert make_item(logged_in)["expiry_date"] is None


def test_the_expiry_date_goes_through_create_read_and_update(logged_in):
    item = make_item(logged_in, expiry_date="2027-03-01")
    assert item["expiry_date"] == "2027-03-01"
    path = f"/inventory/{item['id']}"
    assert logged_in.get(path).get_json()["item"]["expiry_date"] == "2027-03-01"
    response = logged_in.patch(path, json={"expiry_date": "2027-04-01"})
    assert response.get_json()["item"]["expiry_date"] == "2027-04-01"
    response = logged_in.put(path, json={"expiry_date": "2027-05-01"})
    assert response.get_json()["item"]["expiry_date"] == "2027-05-01"
    response = logged_in.patch(path, json={"expiry_date": None})
    assert response.get_json()["item"]["expiry_date"] is None


@pytest.mark.parametrize(
    "value", ["2027-02-30", "next week", "", "01/03/2027", 20270301]
)
def test_an_invalid_expiry_date_is_a_field_error(logged_in, value):
    response = logged_in.post(
        "/inventory", json={"item_name": "Milk", "quantity": 1, "price": 1,
                            "expiry_date": value}
    )  # fmt: skip
    assert response.status_code == 400
    assert [e["field"] for e in response.get_json()["errors"]] == ["expiry_date"]
    # The field itself is known: a real date in the same body is accepted.
    assert make_item(logged_in, expiry_date="2027-02-28")["expiry_date"] == "2027-02-28"


def test_csv_exports_and_imports_the_expiry_date(logged_in):
    make_item(logged_in, sku="MILK", item_name="Milk", expiry_date="2027-03-01")
    text = logged_in.get("/inventory/export.csv").get_data(as_text=True)
    [row] = csv.DictReader(io.StringIO(text))
    assert row["expiry_date"] == "2027-03-01"
    body = "sku,item_name,quantity,price,expiry_date\nMILK,Milk,5,1,2027-06-30\nEGGS,Eggs,1,1,\n"
    response = logged_in.post(
        "/inventory/import", data=body.encode(), content_type="text/csv"
    )
    assert response.status_code == 200, response.get_json()
    items = {i["sku"]: i for i in logged_in.get("/inventory").get_json()["items"]}
    assert (items["MILK"]["expiry_date"], items["EGGS"]["expiry_date"]) == (
        "2027-06-30",
        None,
    )


def test_an_invalid_expiry_date_in_csv_names_the_row_and_field(logged_in):
    body = "sku,item_name,quantity,price,expiry_date\nMILK,Milk,5,1,soon\n"
    response = logged_in.post(
        "/inventory/import", data=body.encode(), content_type="text/csv"
    )
    assert response.status_code == 400
    assert [(e["row"], e["field"]) for e in response.get_json()["errors"]] == [
        (2, "expiry_date")
    ]


def test_expires_before_lists_items_expiring_strictly_before_the_date(logged_in):
    make_item(logged_in, item_name="Early", expiry_date="2027-01-01")
    make_item(logged_in, item_name="On the day", expiry_date="2027-02-01")
    make_item(logged_in, item_name="Never")
    body = logged_in.get("/inventory?expires_before=2027-02-01").get_json()
    assert [item["item_name"] for item in body["items"]] == ["Early"]
    assert logged_in.get("/inventory?expires_before=someday").status_code == 400


@pytest.fixture
def perishables(logged_in):
    """Items expiring at various distances from today, one inactive, one never."""
    for name, days in [("In 30", 30), ("Expired", -3), ("Today", 0), ("In 31", 31),
                       ("In 7", 7)]:  # fmt: skip
        make_item(logged_in, item_name=name, quantity=4, expiry_date=in_days(days))
    make_item(
        logged_in, item_name="Inactive", status="inactive", expiry_date=in_days(1)
    )
    make_item(logged_in, item_name="Never")
    return logged_in


def test_expiring_lists_active_items_within_30_days_soonest_first(perishables):
    response = perishables.get("/alerts/expiring")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert [(i["item_name"], i["days_left"]) for i in items] == [
        ("Expired", -3),
        ("Today", 0),
        ("In 7", 7),
        ("In 30", 30),
    ]
    assert items[0]["quantity"] == 4
    assert items[0]["expiry_date"] == in_days(-3)
    assert response.get_json()["pagination"]["total"] == 4


@pytest.mark.parametrize(
    ("within_days", "expected"),
    [(0, ["Expired", "Today"]), (7, ["Expired", "Today", "In 7"]), (3650, None)],
)
def test_expiring_takes_the_window_in_days(perishables, within_days, expected):
    response = perishables.get(f"/alerts/expiring?within_days={within_days}")
    assert response.status_code == 200
    names = [i["item_name"] for i in response.get_json()["items"]]
    assert names == (expected or ["Expired", "Today", "In 7", "In 30", "In 31"])


@pytest.mark.parametrize("within_days", ["-1", "3651", "abc", ""])
def test_expiring_refuses_a_window_out_of_bounds(logged_in, within_days):
    response = logged_in.get(f"/alerts/expiring?within_days={within_days}")
    assert response.status_code == 400
    assert response.get_json()["status"] == "failed"


def test_expiring_is_paginated(perishables):
    body = perishables.get("/alerts/expiring?per_page=2&page=2").get_json()
    assert [i["item_name"] for i in body["items"]] == ["In 7", "In 30"]
    assert body["pagination"]["total"] == 4


def test_expiring_needs_login(client):
    assert client.get("/alerts/expiring").status_code == 401
