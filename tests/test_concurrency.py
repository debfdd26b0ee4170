"""Many clients at once against a real threaded server and one SQLite file."""

import fcntl
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import ANY

import requests
from sqlalchemy import func, select
from werkzeug.serving import make_server

import routes.inventory_csv
from app import create_app
from domain.accounts import find_user_by_username
from extensions import db
from models import History, Item, User
from plumbing.database import dispose_engines
from tests.helpers import PASSWORD, live_login


def busy_user(base_url: str, username: str, rounds: int) -> tuple[list[int], int]:
    """Create, update and sometimes delete items; return statuses and write count."""
    session = live_login(base_url, username)
    statuses, acknowledged_writes = [], 0
    for number in range(rounds):
        item = {"item_name": f"{username}-{number}", "quantity": number, "price": 1.5}
        created = session.post(f"{base_url}/inventory", json=item)
        statuses.append(created.status_code)
        if created.status_code != 201:
            continue
        acknowledged_writes += 1
        url = f"{base_url}/inventory/{created.json()['item_id']}"
        responses = [session.put(url, json={"quantity": number + 1})]
        if number % 3 == 0:
            responses.append(session.delete(url))
        responses.append(session.get(f"{base_url}/history?per_page=5"))
        statuses += [response.status_code for response in responses]
        acknowledged_writes += sum(r.status_code == 200 for r in responses[:-1])
    return statuses, acknowledged_writes


def test_concurrent_writers_get_no_errors_and_one_history_row_each(app, live_server):
    users = [f"user{number}" for number in range(8)]
    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        results = dict(
            zip(
                users,
                pool.map(lambda name: busy_user(live_server, name, 15), users),
                strict=True,
            )
        )

    for username, (statuses, acknowledged_writes) in results.items():
        assert all(status < 500 for status in statuses), (username, statuses)
        with app.app_context():
            user = find_user_by_username(username)
            rows = db.session.scalar(
                select(func.count())
                .select_from(History)
                .where(History.user_id == user.id)
                .where(History.action_type.in_(["create", "update", "delete"]))
            )
        assert rows == acknowledged_writes


def test_concurrent_registration_of_one_name_succeeds_once(app, live_server):
    def register(number: int) -> int:
        body = {
            "username": "Popular" if number % 2 else "popular",
            "email": f"person{number}@example.com",
            "password": PASSWORD,
        }
        return requests.post(f"{live_server}/register", json=body).status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(register, range(10)))

    assert sorted(statuses) == [201] + [409] * 9
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_a_long_import_makes_other_writers_wait_at_most_the_busy_timeout(
    sqlite_config, tmp_path, monkeypatch
):
    """The issue's case: a huge import held SQLite's write lock for a minute and
    another user's create waited just as long. It now gets a 503 at the busy
    timeout, with Retry-After, and the import itself still succeeds."""
    app = create_app(sqlite_config | {"SQLITE_BUSY_TIMEOUT_MS": 300})
    with app.app_context():
        db.create_all()
    importing, may_commit = threading.Event(), threading.Event()
    apply_import = routes.inventory_csv.apply_import

    def slow_apply_import(rows):
        apply_import(rows)  # written, not yet committed: the import has the lock
        importing.set()
        assert may_commit.wait(timeout=10)

    monkeypatch.setattr(routes.inventory_csv, "apply_import", slow_apply_import)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    try:
        alice, bob = (
            live_login(base_url, "alice"),
            live_login(base_url, "bob"),
        )
        with ThreadPoolExecutor(max_workers=1) as pool:
            pending_import = pool.submit(
                alice.post,
                f"{base_url}/inventory/import",
                data="item_name,quantity,price\nBig,1,1\nImport,2,2\n",
                headers={"Content-Type": "text/csv"},
                timeout=10,
            )
            try:
                assert importing.wait(timeout=10)
                assert_writers_queue_is_taken(tmp_path / "test.db.write-lock")
                item = {"item_name": "Mine", "quantity": 1, "price": 1}
                response = bob.post(f"{base_url}/inventory", json=item, timeout=5)
            finally:
                may_commit.set()
            imported = pending_import.result(timeout=10)
    finally:
        server.shutdown()
        serving.join()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert response.json() == {
        "status": "failed",
        "message": "The database is busy or unavailable; please retry shortly.",
        "errors": [],
        "timestamp": ANY,
    }
    assert imported.status_code == 200
    assert imported.json()["created"] == 2
    with app.app_context():
        names = set(db.session.scalars(select(Item.item_name)))
        dispose_engines()
    assert names == {"Big", "Import"}


def assert_writers_queue_is_taken(lock_path) -> None:
    lock = os.open(lock_path, os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return
    finally:
        os.close(lock)
    raise AssertionError("the import does not hold the writers' queue")
