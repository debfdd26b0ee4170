"""Redis sessions when Redis fails mid-request: a committed change stays a success.

Each test runs a redis-server of its own on a free port (with an append-only
file, so a restart keeps sessions as a production Redis would) and stops or
pauses it, by its process id, at the moment that matters: after the view has
committed and before the session is written back, or just before a login,
logout or team switch writes its session. The data is checked in the
database, and a client that retries when told to (503 with Retry-After)
shows what a retry does.
"""

import fcntl
import os
import shutil
import time

import pytest
from sqlalchemy import func, select

from extensions import db
from models import History, Item
from plumbing.sessions import STORE_DOWN_MESSAGE
from tests.helpers import (
    AuthActions,
    app_with_schema,
    item_payload,
    stored_session_count,
)
from tests.own_redis import OwnRedis

pytestmark = pytest.mark.skipif(
    not shutil.which("redis-server"), reason="needs redis-server"
)
FAULTS = {
    "stopped": (OwnRedis.stop, OwnRedis.start),
    "paused": (OwnRedis.pause_writes, OwnRedis.unpause),
}
# And faults that refuse only writes that add data (a logout's DEL passes).
WRITE_FAULTS = FAULTS | {
    "out of memory": (OwnRedis.run_out_of_memory, OwnRedis.free_memory),
}


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


def app_on(server, config, sqlite_template, **settings):
    """Yield an app whose sessions are on ``server``, with one-shot fault hooks."""
    config = config | {"SESSION_TYPE": "redis", "SESSION_REDIS_URL": server.url}
    for app in app_with_schema(config | settings, sqlite_template):
        add_fault_hooks(app, server)
        yield app


def add_fault_hooks(app, server) -> None:
    """Let a test set ``app.fault_at[moment]``: a fault injected once, then."""
    app.fault_at = {}

    def inject(moment: str) -> None:
        fault = app.fault_at.pop(moment, None)
        if fault is not None:
            fault(server)

    # "view": the session is loaded, the view has not run. "write-back": the
    # view has committed, and the session is not written back yet.
    app.before_request(lambda: inject("view"))
    app.after_request(lambda response: inject("write-back") or response)


@pytest.fixture
def faulty(app_config, sqlite_template, own_redis):
    yield from app_on(own_redis, app_config, sqlite_template)


def as_a_retrying_client(send, recover):
    """Send; on 503 with Retry-After, let the store recover and send again."""
    answers = [send()]
    if answers[0].status_code == 503 and "Retry-After" in answers[0].headers:
        recover()
        answers.append(send())
    return answers


def history_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(History.action_type)))


def recovering(server, fault):
    return lambda: WRITE_FAULTS[fault][1](server)


@pytest.mark.parametrize("fault", WRITE_FAULTS)
@pytest.mark.parametrize("change", ["sale", "create"])
def test_a_committed_change_is_a_success_when_the_write_back_fails(
    faulty, own_redis, clock, fault, change
):
    app, client = faulty, faulty.test_client()
    AuthActions(client).register_and_login("alice")
    item = client.post("/inventory", json=item_payload(quantity=10)).get_json()
    clock.advance(61)  # the session's refresh is due: this request writes it back
    send = {
        "sale": lambda: client.post(
            f"/inventory/{item['item_id']}/stock",
            json={"reason": "sale", "change": -1},
        ),
        "create": lambda: client.post("/inventory", json=item_payload()),
    }[change]
    app.fault_at["write-back"] = WRITE_FAULTS[fault][0]

    started = time.monotonic()
    answers = as_a_retrying_client(send, recovering(own_redis, fault))
    elapsed = time.monotonic() - started

    assert [a.status_code for a in answers] == [200 if change == "sale" else 201]
    assert answers[0].get_json()["status"] == "successful"
    assert elapsed < 4  # one socket timeout, not redis-py's ten retries
    WRITE_FAULTS[fault][1](own_redis)
    with app.app_context():
        quantities = db.session.scalars(select(Item.quantity).order_by(Item.id)).all()
    assert quantities == ([9] if change == "sale" else [10, 5])
    # The session was not lost: its stored copy kept its expiry.
    assert client.get("/me").status_code == 200


def test_a_write_back_on_every_request_fails_no_committed_change(
    app_config, sqlite_template, own_redis
):
    for app in app_on(
        own_redis, app_config, sqlite_template, SESSION_REFRESH_EACH_REQUEST=True
    ):
        client = app.test_client()
        AuthActions(client).register_and_login("alice")
        app.fault_at["write-back"] = OwnRedis.pause_writes
        created = client.post("/inventory", json=item_payload())
        own_redis.unpause()
        assert created.status_code == 201, created.get_json()
        assert created.get_json()["message"] == "Item created successfully!"
        with app.app_context():
            assert db.session.scalar(select(func.count()).select_from(Item)) == 1


@pytest.mark.parametrize("fault", WRITE_FAULTS)
def test_a_login_whose_session_cannot_be_stored_changes_nothing(
    faulty, own_redis, fault
):
    app, client = faulty, faulty.test_client()
    AuthActions(client).register("alice")
    app.fault_at["view"] = WRITE_FAULTS[fault][0]

    failed, retried = as_a_retrying_client(
        lambda: AuthActions(client).login("alice"), recovering(own_redis, fault)
    )

    assert failed.status_code == 503
    assert failed.get_json()["message"] == STORE_DOWN_MESSAGE
    assert "Set-Cookie" not in failed.headers
    assert retried.status_code == 200
    assert retried.get_json()["message"] == "Login successful!"
    assert history_actions(app) == ["register", "login"]  # one login, the retry's
    assert client.get("/me").get_json()["user"]["username"] == "alice"


@pytest.mark.parametrize("fault", FAULTS)
def test_a_logout_whose_session_cannot_be_deleted_changes_nothing(
    faulty, own_redis, fault
):
    app, client = faulty, faulty.test_client()
    AuthActions(client).register_and_login("alice")
    app.fault_at["view"] = WRITE_FAULTS[fault][0]

    failed = client.post("/logout")
    WRITE_FAULTS[fault][1](own_redis)

    assert failed.status_code == 503
    assert failed.get_json()["message"] == STORE_DOWN_MESSAGE
    assert history_actions(app) == ["register", "login"]
    assert client.get("/me").status_code == 200  # still logged in, as answered
    retried = client.post("/logout")
    assert retried.status_code == 200
    assert history_actions(app) == ["register", "login", "logout"]
    assert client.get("/me").status_code == 401


@pytest.mark.parametrize("fault", WRITE_FAULTS)
def test_a_team_switch_whose_session_cannot_be_stored_changes_nothing(
    faulty, own_redis, fault
):
    app, client = faulty, faulty.test_client()
    AuthActions(client).register_and_login("alice")
    first = client.get("/me").get_json()["team"]["id"]
    shop = client.post("/teams", json={"name": "Corner shop"}).get_json()["team"]
    app.fault_at["view"] = WRITE_FAULTS[fault][0]

    failed = client.post(f"/teams/{shop['id']}/switch")
    WRITE_FAULTS[fault][1](own_redis)

    assert failed.status_code == 503
    assert failed.get_json()["message"] == STORE_DOWN_MESSAGE
    assert client.get("/me").get_json()["team"]["id"] == first
    retried = client.post(f"/teams/{shop['id']}/switch")
    assert retried.status_code == 200
    assert client.get("/me").get_json()["team"]["id"] == shop["id"] != first


@pytest.mark.parametrize("store", ["files", "redis"])
def test_a_login_or_logout_whose_commit_fails_puts_the_session_back(
    sqlite_config, sqlite_template, own_redis, tmp_path, store
):
    # The session is stored first; if the commit then fails (the database is
    # locked by a long write), the store is put back as the request found it.
    settings = {"SQLITE_BUSY_TIMEOUT_MS": 200}
    if store == "redis":
        settings |= {"SESSION_TYPE": "redis", "SESSION_REDIS_URL": own_redis.url}
    for app in app_with_schema(sqlite_config | settings, sqlite_template):
        alice, bob = app.test_client(), app.test_client()
        AuthActions(alice).register_and_login("alice")
        AuthActions(bob).register("bob")

        long_write = os.open(tmp_path / "test.db.write-lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(long_write, fcntl.LOCK_EX)
        try:
            logout = alice.post("/logout")
            login = AuthActions(bob).login("bob")
        finally:
            os.close(long_write)

        assert (logout.status_code, login.status_code) == (503, 503)
        assert "Set-Cookie" not in login.headers
        assert history_actions(app) == ["register", "login", "register"]
        assert stored_session_count(app) == 1  # alice's, back; bob's withdrawn
        assert alice.get("/me").get_json()["user"]["username"] == "alice"
        assert bob.get("/me").status_code == 401
