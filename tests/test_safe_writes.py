"""Versions, ETags, If-Match, and no lost updates under load."""

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from extensions import db
from models import History
from tests.helpers import item_payload, live_login

# --- ETag and If-Match -------------------------------------------------------


def test_get_returns_the_version_as_etag_and_honours_if_none_match(
    logged_in, make_item
):
    item = make_item(logged_in)
    response = logged_in.get(f"/inventory/{item['id']}")
    assert response.headers["ETag"] == '"1"'
    assert (
        logged_in.get(
            f"/inventory/{item['id']}", headers={"If-None-Match": '"1"'}
        ).status_code
        == 304
    )
    logged_in.patch(f"/inventory/{item['id']}", json={"quantity": 9})
    changed = logged_in.get(
        f"/inventory/{item['id']}", headers={"If-None-Match": '"1"'}
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] == '"2"'


@pytest.mark.parametrize("method", ["put", "patch"])
def test_matching_if_match_updates_and_returns_the_new_etag(
    logged_in, make_item, method
):
    item = make_item(logged_in)
    response = getattr(logged_in, method)(
        f"/inventory/{item['id']}", json={"quantity": 9}, headers={"If-Match": '"1"'}
    )
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    assert response.get_json()["item"]["version"] == 2


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("put", "/inventory/{id}", {"quantity": 9}),
        ("patch", "/inventory/{id}", {"quantity": 9}),
        ("delete", "/inventory/{id}", None),
        ("post", "/inventory/{id}/stock", {"change": 1, "reason": "purchase"}),
        ("post", "/inventory/{id}/stock", {"reason": "count", "quantity": 3}),
    ],
)
@pytest.mark.parametrize(
    "if_match",
    [
        '"1"',
        '"7", "1"',
        '"banana"',
        "garbage",
        # RFC 9110 strong comparison: only the exact tag "2" names version 2.
        'W/"2"',
        '"02"',
        '"2 "',
        '" 2"',
        '"+2"',
        '"2.0"',
        '"1", W/"2"',
    ],
)
def test_stale_if_match_is_412_with_the_current_version_and_no_change(
    logged_in, make_item, method, path, body, if_match
):
    item = make_item(logged_in)
    logged_in.patch(f"/inventory/{item['id']}", json={"item_name": "Now version 2"})
    current = logged_in.get(f"/inventory/{item['id']}").get_json()["item"]
    history_before = logged_in.get("/history").get_json()["pagination"]["total"]
    response = getattr(logged_in, method)(
        path.format(id=item["id"]), json=body, headers={"If-Match": if_match}
    )
    assert response.status_code == 412
    payload = response.get_json()
    assert payload["status"] == "failed"
    assert payload["current_version"] == 2
    assert response.headers["ETag"] == '"2"'
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == current
    assert logged_in.get("/history").get_json()["pagination"]["total"] == history_before


def test_if_match_accepts_any_of_several_and_star(logged_in, make_item):
    item = make_item(logged_in)
    url = f"/inventory/{item['id']}"
    assert (
        logged_in.patch(
            url, json={"quantity": 1}, headers={"If-Match": '"5", "1"'}
        ).status_code
        == 200
    )
    assert (
        logged_in.patch(
            url, json={"quantity": 2}, headers={"If-Match": "*"}
        ).status_code
        == 200
    )
    assert logged_in.delete(url, headers={"If-Match": '"3"'}).status_code == 200


@pytest.mark.parametrize(
    "if_match", ['"1"', '"01", "1"', 'W/"1", "1"', '"1", "02"', "*"]
)
def test_if_match_succeeds_when_one_listed_tag_is_exactly_the_etag(
    logged_in, make_item, if_match
):
    item = make_item(logged_in)
    response = logged_in.patch(
        f"/inventory/{item['id']}", json={"quantity": 9}, headers={"If-Match": if_match}
    )
    assert response.status_code == 200
    assert response.get_json()["item"]["quantity"] == 9
    assert response.headers["ETag"] == '"2"'


def test_writes_without_if_match_still_work_like_the_original_api(logged_in, make_item):
    item = make_item(logged_in)
    assert (
        logged_in.put(f"/inventory/{item['id']}", json={"quantity": 3}).status_code
        == 200
    )
    assert logged_in.delete(f"/inventory/{item['id']}").status_code == 200


def test_version_rises_on_every_change(logged_in, make_item):
    item = make_item(logged_in)
    logged_in.patch(f"/inventory/{item['id']}", json={"quantity": 4})
    logged_in.post(
        f"/inventory/{item['id']}/stock", json={"change": 1, "reason": "purchase"}
    )
    logged_in.post(
        f"/inventory/{item['id']}/stock", json={"reason": "count", "quantity": 2}
    )
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"]["version"] == 4


def test_ten_clients_racing_one_if_match_exactly_one_wins(app, live_server):
    owner = live_login(live_server)
    item = owner.post(f"{live_server}/inventory", json=item_payload()).json()["item"]
    etag = owner.get(f"{live_server}/inventory/{item['id']}").headers["ETag"]
    clients = [owner] + [live_login(live_server, register=False) for _ in range(9)]
    barrier = threading.Barrier(len(clients))

    def put(number: int) -> int:
        barrier.wait()
        response = clients[number].put(
            f"{live_server}/inventory/{item['id']}",
            json={"quantity": 100 + number},
            headers={"If-Match": etag},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        statuses = list(pool.map(put, range(len(clients))))
    assert sorted(statuses) == [200] + [412] * 9
    with app.app_context():
        updates = db.session.scalar(
            select(func.count()).where(
                History.action_type == "update", History.entity_id == item["id"]
            )
        )
    assert updates == 1


# --- No lost updates ------------------------------------------------------------


def test_twenty_threads_of_fifty_movements_lose_nothing(app, live_server):
    owner = live_login(live_server)
    start = 500
    item = owner.post(
        f"{live_server}/inventory", json=item_payload(quantity=start)
    ).json()["item"]
    url = f"{live_server}/inventory/{item['id']}/stock"

    def worker(seed: int) -> tuple[int, int, list[int]]:
        session = live_login(live_server, register=False)
        rng = random.Random(seed)
        total, acknowledged, statuses = 0, 0, []
        for _ in range(50):
            change = rng.choice((-1, 1))
            reason = "sale" if change < 0 else "purchase"
            response = session.post(url, json={"change": change, "reason": reason})
            statuses.append(response.status_code)
            if response.status_code == 200:
                total += change
                acknowledged += 1
        return total, acknowledged, statuses

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(worker, range(20)))

    statuses = [status for _, _, batch in results for status in batch]
    assert all(status < 500 for status in statuses), sorted(set(statuses))
    acknowledged_total = sum(total for total, _, _ in results)
    acknowledged_count = sum(count for _, count, _ in results)
    final = owner.get(f"{live_server}/inventory/{item['id']}").json()["item"]
    assert final["quantity"] == start + acknowledged_total
    assert final["version"] == 1 + acknowledged_count
    with app.app_context():
        stock_rows = db.session.scalar(
            select(func.count()).where(
                History.action_type == "stock", History.entity_id == item["id"]
            )
        )
    assert stock_rows == acknowledged_count
    verification = owner.get(f"{url.rsplit('/', 1)[0]}/movements?verify=true").json()[
        "verification"
    ]
    assert verification["holds"] is True


def test_edits_and_movements_interleaved_keep_the_ledger_exact(live_server):
    owner = live_login(live_server)
    item = owner.post(
        f"{live_server}/inventory", json=item_payload(quantity=100)
    ).json()["item"]
    base = f"{live_server}/inventory/{item['id']}"

    def mover(_: int) -> None:
        session = live_login(live_server, register=False)
        for _ in range(25):
            session.post(f"{base}/stock", json={"change": 1, "reason": "purchase"})

    def editor(number: int) -> None:
        session = live_login(live_server, register=False)
        for step in range(10):
            session.put(base, json={"quantity": 200 + number * 10 + step})

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(mover, range(3)))
        list(pool.map(editor, range(3)))
        futures = [pool.submit(mover, n) for n in range(3)] + [
            pool.submit(editor, n) for n in range(3)
        ]
        for future in futures:
            future.result()
    verification = owner.get(f"{base}/movements?verify=true").json()["verification"]
    assert verification["holds"] is True, verification
