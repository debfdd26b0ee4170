"""A request asks the database only what it needs (issue 14).

On a database server every statement is a round trip, so the reads run on
the request's one read-only connection: on PostgreSQL in autocommit mode (no
BEGIN, no ROLLBACK), on SQLite as plain statements (pysqlite begins no
transaction for a SELECT).
"""

from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import event, text

from bench.round_trips import count as count_round_trips
from bench.round_trips import statement_kind
from extensions import db
from tests.helpers import (
    TEST_DATABASE_URL,
    TEST_REDIS_URL,
    AuthActions,
    item_payload,
    make_item,
    serve,
)


@contextmanager
def recorded_statements(app):
    """Record (statement, autocommit?) for every statement the app's engines run."""
    with app.app_context():
        engines = {db.engine, app.extensions["read_only_engine"]}
    statements = []

    def record(connection, _cursor, statement, *_args):
        dbapi = connection.connection.dbapi_connection
        # psycopg's flag; pysqlite has none and never begins for a SELECT.
        statements.append((statement, getattr(dbapi, "autocommit", None)))

    checkouts = []

    def checked_out(*_args):
        checkouts.append(1)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
        event.listen(engine, "checkout", checked_out)
    try:
        yield statements, checkouts
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)
            event.remove(engine, "checkout", checked_out)


def test_reading_one_item_is_one_statement_outside_any_transaction(
    app, client, logged_in
):
    item = make_item(client)
    with recorded_statements(app) as (statements, checkouts):
        response = client.get(f"/inventory/{item['id']}")
    assert response.status_code == 200
    # The membership check travels inside the item's SELECT.
    assert [statement_kind(sql) for sql, _ in statements] == ["SELECT"]
    assert len(checkouts) == 1
    if TEST_DATABASE_URL:
        assert [autocommit for _, autocommit in statements] == [True]


@pytest.mark.parametrize("page", ["/app/", "/app/items", "/app/history"])
def test_a_dashboard_page_reads_on_one_connection_outside_any_transaction(
    app, client, logged_in, page
):
    make_item(client, quantity=1, reorder_level=5)  # on the low-stock list
    with recorded_statements(app) as (statements, checkouts):
        response = client.get(page)
    assert response.status_code == 200
    assert len(statements) >= 2  # the page's data; the layout's account and teams
    # The layout reads the account and the teams as rows too: the session's
    # transaction never begins.
    assert len(checkouts) == 1
    if TEST_DATABASE_URL:
        assert {autocommit for _, autocommit in statements} == {True}


def test_the_home_page_asks_one_statement_per_thing_it_shows(app, client, logged_in):
    make_item(client, quantity=1, reorder_level=5)  # low stock: sales are read too
    with recorded_statements(app) as (statements, _):
        response = client.get("/app/")
    assert response.status_code == 200
    assert b"Low stock (1)" in response.data
    # The layout's account and teams, with the team's kept totals (which count
    # the low-stock items too); the most urgent low-stock items and the
    # soonest expiring ones with their count, in one statement; the low-stock
    # items' sales; the latest changes.
    assert len(statements) == 4


def test_writes_stay_in_the_session_transaction(app, client, logged_in):
    item = make_item(client)
    with recorded_statements(app) as (statements, _):
        response = client.put(f"/inventory/{item['id']}", json={"quantity": 7})
    assert response.status_code == 200
    kinds = {statement_kind(sql) for sql, _ in statements}
    assert "UPDATE" in kinds and "INSERT" in kinds  # the item, its history
    if TEST_DATABASE_URL:
        assert {autocommit for _, autocommit in statements} == {False}


def test_the_read_only_connection_is_given_back_when_the_request_ends(app, client):
    AuthActions(client).register_and_login()
    with app.app_context():
        engine = app.extensions["read_only_engine"]
    moves = []

    def taken(*_args):
        moves.append("out")

    def given_back(*_args):
        moves.append("in")

    event.listen(engine, "checkout", taken)
    event.listen(engine, "checkin", given_back)
    try:
        assert client.get("/inventory").status_code == 200
    finally:
        event.remove(engine, "checkout", taken)
        event.remove(engine, "checkin", given_back)
    assert moves[0] == "out" and moves.count("out") == moves.count("in")


@pytest.mark.skipif(
    not (TEST_DATABASE_URL and TEST_REDIS_URL),
    reason="needs TEST_DATABASE_URL and TEST_REDIS_URL",
)
def test_the_bench_counts_round_trips_on_the_servers(app):
    # bench/round_trips.py counts what the servers saw: get one item is one
    # statement and one Redis command (the session), no BEGIN, no ROLLBACK.
    with serve(app) as base:
        session = requests.Session()
        AuthActions(session, base).register_and_login()
        created = session.post(f"{base}/inventory", json=item_payload())
        assert created.status_code == 201
        item_id = created.json()["item"]["id"]
        cookie = f"session={session.cookies['session']}"
        database_url = app.config["SQLALCHEMY_DATABASE_URI"].replace(
            "postgresql+psycopg://", "postgresql://"
        )
        trips = count_round_trips(
            base, database_url, TEST_REDIS_URL, "GET", "/inventory/{id}", None,
            cookie, item_id,
        )  # fmt: skip
    assert trips.statements == {"SELECT": 1.0}
    assert trips.postgresql == 1.0
    # Redis counts commands server-wide, and the suite's other workers share
    # the server (a database each): at least the session's one GET.
    assert trips.redis >= 1.0


def test_a_create_is_one_statement_per_table_and_the_history_count_stays_exact(
    app, client, logged_in
):
    make_item(client)
    with recorded_statements(app) as (statements, _):
        created = client.post("/inventory", json=item_payload(item_name="Counted"))
    assert created.status_code == 201
    assert created.get_json()["item"]["item_name"] == "Counted"
    kinds = [statement_kind(sql) for sql, _ in statements]
    # The team's item count (the admin check), the item returned whole as it
    # was inserted (no SELECT after), its opening balance in the ledger, and
    # its history row, which a trigger counts for the team. On PostgreSQL the
    # history row rides on the ledger's INSERT (one round trip); SQLite has no
    # such CTEs and writes it next.
    if TEST_DATABASE_URL:
        assert kinds == ["UPDATE", "INSERT", "WITH"]
    else:
        assert kinds == ["UPDATE", "INSERT", "INSERT", "INSERT"]
    with app.app_context():
        rows = db.session.execute(text("SELECT count(*) FROM history")).scalar()
    listed = client.get("/history").get_json()["pagination"]["total"]
    assert listed == rows == 4  # register, login, two creates


def test_a_stock_movement_sends_its_history_row_with_its_ledger_row(
    app, client, logged_in
):
    item = make_item(client, quantity=5)
    body = {"change": -2, "reason": "sale", "note": "Till 2"}
    with recorded_statements(app) as (statements, _):
        moved = client.post(f"/inventory/{item['id']}/stock", json=body)
    assert moved.status_code == 200
    kinds = [statement_kind(sql) for sql, _ in statements]
    # The caller's team role (the view's check: clerks and admins only), the
    # item's UPDATE, then the ledger row. On PostgreSQL the history row
    # rides on the ledger's INSERT as a CTE ("WITH logged AS (INSERT INTO
    # history ...) INSERT INTO stock_movements ..."), one round trip; SQLite
    # has no such CTEs and writes it next.
    assert "memberships" in statements[0][0]
    if TEST_DATABASE_URL:
        assert kinds == ["SELECT", "UPDATE", "WITH"]
        assert "INSERT INTO history" in statements[2][0]
    else:
        assert kinds == ["SELECT", "UPDATE", "INSERT", "INSERT"]
    movement = moved.get_json()["movement"]
    assert (movement["quantity_before"], movement["balance"]) == (5, 3)
    history = client.get("/history?per_page=1").get_json()
    row = history["history"][0]
    assert row["action_type"] == "stock"
    assert row["changes"] == {"quantity": [5, 3]}
    assert row["details"] == {"reason": "sale", "note": "Till 2", "change": -2}
    assert row["timestamp"] == movement["created_at"]
    with app.app_context():
        rows = db.session.execute(text("SELECT count(*) FROM history")).scalar()
    assert history["pagination"]["total"] == rows == 4  # register, login, create


def test_a_page_of_history_is_one_statement_with_its_count(app, client, logged_in):
    make_item(client)
    with recorded_statements(app) as (statements, _):
        first = client.get("/history?per_page=2")
    assert first.status_code == 200
    assert len(statements) == 1  # the team's kept count rides on the rows
    assert first.get_json()["pagination"]["total"] == 3  # register, login, create
    with recorded_statements(app) as (statements, _):
        past_the_end = client.get("/history?page=9&per_page=2")
    assert past_the_end.status_code == 200
    assert past_the_end.get_json()["history"] == []
    assert past_the_end.get_json()["pagination"]["total"] == 3
    assert len(statements) == 2  # no row to carry the count: read on its own


def updated_columns(statement: str) -> set[str]:
    """The columns an UPDATE ... SET ... statement writes."""
    set_list = statement.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    return {assignment.split("=")[0].strip() for assignment in set_list.split(",")}


def test_an_edit_writes_only_the_columns_it_changes(app, client, logged_in):
    # Every column written costs its indexes (and a stock total's column fires
    # the totals trigger) even when its value stays the same.
    item = make_item(client, quantity=5)
    body = {"item_name": item["item_name"], "quantity": 5, "description": "New"}
    with recorded_statements(app) as (statements, _):
        response = client.put(f"/inventory/{item['id']}", json=body)
    assert response.status_code == 200
    assert response.get_json()["item"]["description"] == "New"
    updates = [sql for sql, _ in statements if "UPDATE inventory SET" in sql]
    _lock, write = updates  # the lock's version bump, then the edit
    assert updated_columns(write) == {"description", "search_key", "updated_at"}
    # The search key was rebuilt from the new description with the rest.
    found = client.get("/inventory?q=new").get_json()["items"]
    assert [found_item["id"] for found_item in found] == [item["id"]]

    with recorded_statements(app) as (statements, _):
        client.patch(f"/inventory/{item['id']}", json={"price": 12.5})
    write = [sql for sql, _ in statements if "UPDATE inventory SET" in sql][-1]
    assert updated_columns(write) == {"price_cents", "updated_at"}


def test_an_edit_sends_its_history_row_with_its_update(app, client, logged_in):
    item = make_item(client, item_name="Old name")
    with recorded_statements(app) as (statements, _):
        response = client.patch(f"/inventory/{item['id']}", json={"item_name": "New"})
    assert response.status_code == 200
    kinds = [statement_kind(sql) for sql, _ in statements]
    # The lock, then the edit. On PostgreSQL the history row rides on the
    # edit's UPDATE as a CTE; SQLite writes it next.
    if TEST_DATABASE_URL:
        assert kinds == ["UPDATE", "WITH"]
        assert "INSERT INTO history" in statements[1][0]
    else:
        assert kinds == ["UPDATE", "UPDATE", "INSERT"]
    row = client.get("/history?per_page=1").get_json()["history"][0]
    assert row["action_type"] == "update"
    assert row["entity_name"] == "New"  # the name after the edit
    assert row["changes"] == {"item_name": ["Old name", "New"]}
    edited = response.get_json()["item"]
    assert edited["updated_at"] == row["timestamp"] != item["updated_at"]


def test_an_edit_that_changes_nothing_writes_only_the_lock(app, client, logged_in):
    item = make_item(client)
    with recorded_statements(app) as (statements, _):
        response = client.patch(
            f"/inventory/{item['id']}", json={"item_name": item["item_name"]}
        )
    assert response.status_code == 200
    kinds = [statement_kind(sql) for sql, _ in statements]
    assert kinds.count("UPDATE") == 1  # the lock's version bump
    after = response.get_json()["item"]
    assert after["version"] == item["version"] + 1
    assert client.get(f"/inventory/{item['id']}").get_json()["item"] == after
