"""Idempotency-Key: a retried write answers as the first did and writes nothing twice."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import requests
from sqlalchemy import func, select, update

from columns import utcnow
from extensions import db
from models import IdempotencyKey, Item
from tests.helpers import PASSWORD, item_payload, live_login

# --- Idempotency-Key ---------------------------------------------------------------


def count_items(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Item))


def test_a_retry_with_the_same_key_replays_the_first_response(app, logged_in):
    headers = {"Idempotency-Key": "create-laptop-1"}
    first = logged_in.post("/inventory", json=item_payload(), headers=headers)
    second = logged_in.post("/inventory", json=item_payload(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert second.get_json() == first.get_json()
    assert second.headers["Location"] == first.headers["Location"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count_items(app) == 1
    creates = logged_in.get("/history?action_type=create").get_json()["history"]
    assert len(creates) == 1


def test_the_same_key_with_a_different_body_is_422(app, logged_in):
    headers = {"Idempotency-Key": "k-1"}
    logged_in.post("/inventory", json=item_payload(), headers=headers)
    response = logged_in.post(
        "/inventory", json=item_payload(quantity=6), headers=headers
    )
    assert response.status_code == 422
    assert response.get_json()["status"] == "failed"
    assert count_items(app) == 1


def test_stock_movements_are_idempotent_too(logged_in, make_item):
    item = make_item(logged_in, quantity=10)
    url = f"/inventory/{item['id']}/stock"
    headers = {"Idempotency-Key": "sale-17"}
    first = logged_in.post(url, json={"change": -2, "reason": "sale"}, headers=headers)
    again = logged_in.post(url, json={"change": -2, "reason": "sale"}, headers=headers)
    assert again.get_json() == first.get_json()
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"]["quantity"] == 8
    # The same key on another item is a different request.
    other = logged_in.post(
        f"/inventory/{item['id'] + 1}/stock",
        json={"change": -2, "reason": "sale"},
        headers=headers,
    )
    assert other.status_code == 422


def test_keys_belong_to_one_user(app, logged_in, other_client):
    headers = {"Idempotency-Key": "shared"}
    assert (
        logged_in.post("/inventory", json=item_payload(), headers=headers).status_code
        == 201
    )
    theirs = other_client.post("/inventory", json=item_payload(), headers=headers)
    assert theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert count_items(app) == 2


def test_failed_requests_are_not_stored(logged_in, app):
    headers = {"Idempotency-Key": "fix-and-retry"}
    assert (
        logged_in.post(
            "/inventory", json=item_payload(price=-1), headers=headers
        ).status_code
        == 400
    )
    assert (
        logged_in.post("/inventory", json=item_payload(), headers=headers).status_code
        == 201
    )
    assert count_items(app) == 1


def test_keys_expire_after_24_hours(app, logged_in):
    headers = {"Idempotency-Key": "old-key"}
    logged_in.post("/inventory", json=item_payload(), headers=headers)
    with app.app_context():
        db.session.execute(
            update(IdempotencyKey).values(
                created_at=utcnow() - timedelta(hours=24, seconds=1)
            )
        )
        db.session.commit()
    again = logged_in.post("/inventory", json=item_payload(), headers=headers)
    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again.headers
    assert count_items(app) == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\there", "ümlaut"])
def test_malformed_keys_are_400(app, logged_in, key):
    response = logged_in.post(
        "/inventory",
        json=item_payload(),
        headers={"Idempotency-Key": key.encode().decode("latin-1")},
    )
    assert response.status_code == 400
    assert count_items(app) == 0


def test_keys_survive_a_restart(app_config, logged_in, app):
    from app import create_app

    headers = {"Idempotency-Key": "before-restart"}
    first = logged_in.post("/inventory", json=item_payload(), headers=headers)
    restarted = create_app(app_config)
    client = restarted.test_client()
    client.post("/login", json={"username": "alice", "password": PASSWORD})
    again = client.post("/inventory", json=item_payload(), headers=headers)
    assert again.get_json() == first.get_json()
    assert count_items(app) == 1


def test_two_concurrent_requests_with_one_key_write_once(app, live_server):
    first = live_login(live_server)
    second = live_login(live_server, register=False)
    barrier = threading.Barrier(2)
    headers = {"Idempotency-Key": "racing"}

    def create(session) -> requests.Response:
        barrier.wait()
        return session.post(
            f"{live_server}/inventory", json=item_payload(), headers=headers
        )

    for _ in range(5):  # several rounds to give the race a real chance
        headers["Idempotency-Key"] = f"racing-{_}"
        with ThreadPoolExecutor(max_workers=2) as pool:
            responses = list(pool.map(create, (first, second)))
        assert [r.status_code for r in responses] == [201, 201]
        assert responses[0].json() == responses[1].json()
    assert count_items(app) == 5
