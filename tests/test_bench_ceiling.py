"""bench/ceiling.py stands for the API's stock movement, so it must write what the API writes.

Its figure is read against the write target (docs/BENCHMARKS.md); if its
transaction drifted from the API's (a row or a counter fewer), the comparison
would be meaningless.
"""

import importlib
import sys

import pytest

from plumbing.database import dispose_engines
from tests.helpers import AuthActions


def newest(client, path: str, key: str) -> dict:
    return client.get(path).get_json()[key][0]


def without_ids_and_times(row: dict) -> dict:
    return {
        field: value
        for field, value in row.items()
        if field not in ("id", "created_at", "timestamp")
    }


@pytest.mark.parametrize("driver", ["sqlalchemy", "sqlite3"])
def test_the_ceiling_writes_what_the_api_writes(
    sqlite_app, sqlite_config, make_item, monkeypatch, driver
):
    client = sqlite_app.test_client()
    AuthActions(client).register_and_login("bench")  # the user the ceiling acts for
    item_id = make_item(client, quantity=10)["id"]
    assert (
        client.post(
            f"/inventory/{item_id}/stock", json={"change": -2, "reason": "adjustment"}
        ).status_code
        == 200
    )
    by_api = {
        "movement": newest(client, f"/inventory/{item_id}/movements", "movements"),
        "history": newest(client, "/history", "history"),
    }

    database = sqlite_config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    monkeypatch.setenv("CEILING_DATABASE", database)
    monkeypatch.setenv("CEILING_DRIVER", driver)
    monkeypatch.delitem(sys.modules, "bench.ceiling", raising=False)
    ceiling = importlib.import_module("bench.ceiling")
    try:
        response = ceiling.app.test_client().post(
            f"/inventory/{item_id}/stock", json={"change": -2, "reason": "adjustment"}
        )
    finally:
        if ceiling.DRIVER_CONNECTION is not None:
            ceiling.DRIVER_CONNECTION.close()
        with ceiling.app.app_context():
            dispose_engines()
    assert response.status_code == 200
    assert response.get_json()["item"]["quantity"] == 6

    # The API now shows the ceiling's movement exactly as one of its own.
    item = client.get(f"/inventory/{item_id}").get_json()["item"]
    assert (item["quantity"], item["version"]) == (6, 3)
    by_ceiling = {
        "movement": newest(client, f"/inventory/{item_id}/movements", "movements"),
        "history": newest(client, "/history", "history"),
    }
    assert by_ceiling["movement"]["quantity_before"] == 8
    assert by_ceiling["history"]["changes"] == {"quantity": [8, 6]}
    for kind in ("movement", "history"):
        api_row = without_ids_and_times(by_api[kind])
        ceiling_row = without_ids_and_times(by_ceiling[kind])
        # Only the quantities moved on by the second movement differ.
        for row in (api_row, ceiling_row):
            row.pop("quantity_before", None)
            row.pop("balance", None)
            row.pop("quantity_after", None)
            row.pop("changes", None)
        assert ceiling_row == api_row
    # And the history counter counted it: both rows, one per page.
    pagination = client.get("/history?per_page=1").get_json()["pagination"]
    stock_rows = client.get("/history?action_type=stock").get_json()["history"]
    assert len(stock_rows) == 2
    assert pagination["total"] == len(client.get("/history").get_json()["history"])
