"""The history log: one row per change, the caller's own, newest first."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from extensions import db
from models import History
from routes.history import relative_time


def history(client, query="") -> list[dict]:
    response = client.get(f"/history{query}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["history"]


def test_every_action_writes_one_row_newest_first(logged_in, make_item):
    item = make_item(logged_in)
    logged_in.put(f"/inventory/{item['id']}", json={"quantity": 10, "price": 999.5})
    logged_in.delete(f"/inventory/{item['id']}")
    rows = history(logged_in)
    assert [row["action_type"] for row in rows] == [
        "delete",
        "update",
        "create",
        "login",
        "register",
    ]
    delete, update_row, create = rows[:3]
    assert update_row["changes"] == {"quantity": [5, 10], "price": [1200.0, 999.5]}
    assert create["changes"] is None
    # The rows survive the item and remember its name.
    assert delete["item_id"] == update_row["item_id"] == create["item_id"] == item["id"]
    assert delete["item_name"] == "Laptop"


def test_update_records_only_fields_that_changed(logged_in, make_item):
    item = make_item(logged_in)
    logged_in.put(
        f"/inventory/{item['id']}", json={"item_name": "Laptop", "quantity": 6}
    )
    assert history(logged_in)[0]["changes"] == {"quantity": [5, 6]}


def test_logout_is_recorded(app, auth, logged_in):
    auth.logout()
    with app.app_context():
        rows = db.session.scalars(select(History.action_type).order_by(History.id))
        assert list(rows) == ["register", "login", "logout"]


def test_rejected_requests_write_no_history(app, auth, logged_in, make_item):
    item = make_item(logged_in)
    before = len(history(logged_in))
    logged_in.post("/inventory", json={"item_name": ""})
    logged_in.put(f"/inventory/{item['id']}", json={"quantity": -1})
    logged_in.delete("/inventory/9999")
    auth.login("alice", "wrongpassword1")
    auth.register("alice")
    assert len(history(logged_in)) == before


def test_history_shows_only_the_callers_rows(logged_in, other_client, make_item):
    make_item(other_client, item_name="Bobs")
    rows = history(logged_in)
    assert {row["user_id"] for row in rows} == {rows[0]["user_id"]}
    assert all(row["item_name"] != "Bobs" for row in rows)
    assert history(logged_in, "?item_id=1") == []


def test_history_filters_by_item_and_action(logged_in, make_item):
    first = make_item(logged_in, item_name="First")
    second = make_item(logged_in, item_name="Second")
    logged_in.patch(f"/inventory/{second['id']}", json={"quantity": 1})
    assert [
        row["action_type"] for row in history(logged_in, f"?item_id={second['id']}")
    ] == [
        "update",
        "create",
    ]
    creates = history(logged_in, "?action_type=create")
    assert [row["item_id"] for row in creates] == [second["id"], first["id"]]
    combined = history(logged_in, f"?action_type=create&item_id={first['id']}")
    assert [row["item_name"] for row in combined] == ["First"]


def test_history_is_paginated(logged_in, make_item):
    for number in range(4):
        make_item(logged_in, item_name=f"Item {number}")
    body = logged_in.get("/history?per_page=2&page=1").get_json()
    assert [row["item_name"] for row in body["history"]] == ["Item 3", "Item 2"]
    assert body["pagination"] == {"page": 1, "per_page": 2, "total": 6, "pages": 3}


@pytest.mark.parametrize(
    "query",
    [
        "action_type=explode",
        "item_id=abc",
        "item_id=0",
        "item_id=99999999999999999999999",
        "per_page=1000",
        "user_id=2",
    ],
)
def test_bad_history_filters_are_400(logged_in, query):
    response = logged_in.get(f"/history?{query}")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == query.split("=")[0]


def test_timestamps_are_iso_8601_utc_with_relative_time(app, logged_in):
    with app.app_context():
        two_hours_ago = datetime.now(timezone.utc) - timedelta(hours=2, seconds=5)
        db.session.execute(
            update(History)
            .where(History.action_type == "register")
            .values(timestamp=two_hours_ago)
        )
        db.session.commit()
    rows = {row["action_type"]: row for row in history(logged_in)}
    register_time = datetime.fromisoformat(rows["register"]["timestamp"])
    assert register_time.utcoffset() == timedelta(0)
    assert abs(register_time - two_hours_ago) < timedelta(seconds=1)
    assert rows["register"]["relative_time"] == "2 hours ago"
    assert rows["login"]["relative_time"] == "just now"


NOW = datetime(2026, 1, 10, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("delta", "expected"),
    [
        (timedelta(seconds=0), "just now"),
        (timedelta(seconds=59), "just now"),
        (timedelta(seconds=60), "1 minute ago"),
        (timedelta(minutes=5, seconds=30), "5 minutes ago"),
        (timedelta(hours=1), "1 hour ago"),
        (timedelta(hours=3, minutes=59), "3 hours ago"),
        (timedelta(days=1), "1 day ago"),
        (timedelta(days=2, hours=23), "2 days ago"),
        (timedelta(days=400), "400 days ago"),
        (timedelta(seconds=-30), "just now"),  # clock skew never says "in the future"
    ],
)
def test_relative_time(delta, expected):
    assert relative_time(NOW - delta, NOW) == expected


def test_the_per_team_history_count_stays_exact(
    app, logged_in, other_client, make_item
):
    from sqlalchemy import func, select

    from models import Team

    for number in range(3):
        item = make_item(logged_in, item_name=f"Item {number}")
        logged_in.patch(f"/inventory/{item['id']}", json={"quantity": 9})
        logged_in.post(
            f"/inventory/{item['id']}/stock", json={"change": -1, "reason": "sale"}
        )
    logged_in.delete(f"/inventory/{item['id']}")
    make_item(other_client)
    with app.app_context():
        for team in db.session.scalars(select(Team)):
            actual = db.session.scalar(
                select(func.count())
                .select_from(History)
                .where(History.team_id == team.id)
            )
            assert team.history_count == actual
    body = logged_in.get("/history?per_page=4").get_json()
    assert body["pagination"]["total"] == 12  # register, login, 3 x 3, delete
    assert body["pagination"]["pages"] == 3


def test_the_history_count_is_kept_by_the_database(app, logged_in):
    # A trigger counts every history row, however it is written or removed
    # (a script, a cascade): the API writes one INSERT and nothing else.
    from sqlalchemy import delete, insert, select

    from columns import utcnow
    from models import Team

    def kept_count() -> int:
        with app.app_context():
            return db.session.scalar(select(Team.history_count))

    assert kept_count() == 2  # register, login
    with app.app_context():
        team_id, user_id = db.session.execute(
            select(History.team_id, History.user_id).limit(1)
        ).one()
        row = {"team_id": team_id, "user_id": user_id, "entity_type": "user"}
        db.session.execute(
            insert(History),
            [row | {"action_type": "login", "timestamp": utcnow()}] * 3,
        )
        db.session.commit()
    assert kept_count() == 5
    with app.app_context():
        db.session.execute(delete(History).where(History.action_type == "login"))
        db.session.commit()
    assert kept_count() == 1
    assert logged_in.get("/history").get_json()["pagination"]["total"] == 1
