"""A change and its history row commit together or not at all."""

from unittest.mock import ANY

import pytest
from sqlalchemy import event, func, select, text

from extensions import db
from models import History, Item, User
from tests.helpers import AuthActions


@pytest.fixture
def break_history_writes(app):
    """Make every INSERT into history fail at the database call.

    Statements sent earlier in the same transaction (the item's own INSERT,
    UPDATE or DELETE) have really been executed by SQLite by then, so only a
    rollback can undo them.
    """
    with app.app_context():
        engine = db.engine

    def fail_history_inserts(conn, cursor, statement, parameters, context, many):
        if "INSERT INTO HISTORY" in statement.upper():
            raise RuntimeError("history write failed")

    def install():
        event.listen(engine, "before_cursor_execute", fail_history_inserts)

    yield install
    if event.contains(engine, "before_cursor_execute", fail_history_inserts):
        event.remove(engine, "before_cursor_execute", fail_history_inserts)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def assert_failed_cleanly(response):
    assert response.status_code == 500
    assert response.get_json() == {
        "status": "failed",
        "message": "Internal server error.",
        "errors": [],
        "timestamp": ANY,
    }
    assert "history write failed" not in response.get_data(as_text=True)


def test_create_is_rolled_back_when_history_fails(app, logged_in, break_history_writes):
    break_history_writes()
    response = logged_in.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}
    )
    assert_failed_cleanly(response)
    assert count(app, Item) == 0


def test_update_is_rolled_back_when_history_fails(
    app, logged_in, make_item, break_history_writes
):
    item = make_item(logged_in)
    break_history_writes()
    response = logged_in.put(f"/inventory/{item['id']}", json={"quantity": 77})
    assert_failed_cleanly(response)
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item


def test_delete_is_rolled_back_when_history_fails(
    app, logged_in, make_item, break_history_writes
):
    item = make_item(logged_in)
    break_history_writes()
    assert_failed_cleanly(logged_in.delete(f"/inventory/{item['id']}"))
    assert logged_in.get(f"/inventory/{item['id']}").status_code == 200


def test_register_is_rolled_back_when_history_fails(app, auth, break_history_writes):
    break_history_writes()
    assert_failed_cleanly(auth.register("alice"))
    assert count(app, User) == 0


def test_login_does_not_start_a_session_when_history_fails(
    app, auth, client, break_history_writes
):
    auth.register("alice")
    break_history_writes()
    assert_failed_cleanly(auth.login("alice"))
    assert client.get("/me").status_code == 401
    assert count(app, History) == 1  # only the registration


def test_a_constraint_failure_in_the_database_is_409_and_stores_nothing(
    sqlite_app, make_item
):
    """A constraint the checks could not foresee (e.g. a race) rolls back too."""
    app = sqlite_app
    logged_in = app.test_client()
    AuthActions(logged_in).register_and_login("alice")
    item = make_item(logged_in)
    with app.app_context():
        db.session.execute(
            text(
                "CREATE TRIGGER history_fails BEFORE INSERT ON history "
                "BEGIN SELECT RAISE(ABORT, 'history write failed'); END"
            )
        )
        db.session.commit()
    response = logged_in.put(f"/inventory/{item['id']}", json={"quantity": 77})
    assert response.status_code == 409
    assert response.get_json()["status"] == "failed"
    assert "history write failed" not in response.get_data(as_text=True)
    assert logged_in.get(f"/inventory/{item['id']}").get_json()["item"] == item
