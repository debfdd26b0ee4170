"""Server-side sessions: rotation, revocation, expiry and a store that never evicts."""

import os
import stat
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app import create_app
from extensions import db
from routes.auth import login_required
from tests.helpers import (
    PASSWORD,
    TEST_REDIS_URL,
    AuthActions,
    app_with_schema,
    live_login,
    serve,
    stored_session_count,
)


def client_with_cookie(app, sid):
    client = app.test_client()
    client.set_cookie("session", sid)
    return client


def test_login_rotates_the_session_id(app, client):
    auth = AuthActions(client)
    auth.register("alice")
    auth.register("bob")
    auth.login("alice")
    first_sid = client.get_cookie("session").value
    auth.login("bob")
    second_sid = client.get_cookie("session").value
    assert second_sid != first_sid
    # The old id is dead: whoever knew it (fixation) gets nothing.
    assert client_with_cookie(app, first_sid).get("/me").status_code == 401
    assert client.get("/me").get_json()["user"]["username"] == "bob"


def test_anonymous_sessions_are_not_stored(app, client):
    client.get("/inventory")
    client.post("/login", json={"username": "x", "password": "wrongpassword1"})
    assert stored_session_count(app) == 0


def test_logout_kills_every_copy_of_the_cookie(app, logged_in):
    sid = logged_in.get_cookie("session").value
    copy = client_with_cookie(app, sid)
    assert copy.get("/me").status_code == 200
    logged_in.post("/logout")
    assert copy.get("/me").status_code == 401
    assert stored_session_count(app) == 0


def test_request_in_flight_during_logout_cannot_revive_the_session(app, live_server):
    release = threading.Event()
    entered = threading.Event()

    @app.get("/test-slow")
    @login_required
    def slow():
        entered.set()
        release.wait(timeout=10)
        return {"status": "successful"}

    cookies = live_login(live_server).cookies.get_dict()

    slow_result = {}
    thread = threading.Thread(
        target=lambda: slow_result.update(
            response=requests.get(live_server + "/test-slow", cookies=cookies)
        )
    )
    thread.start()
    assert entered.wait(timeout=10)
    assert requests.post(live_server + "/logout", cookies=cookies).status_code == 200
    release.set()
    thread.join(timeout=10)
    assert slow_result["response"].status_code == 200

    # The slow request finished after the logout; the cookie must stay dead.
    assert requests.get(live_server + "/me", cookies=cookies).status_code == 401
    assert stored_session_count(app) == 0


def test_file_sessions_expire_after_30_minutes_of_inactivity(sqlite_app, clock):
    app = sqlite_app
    logged_in = app.test_client()
    AuthActions(logged_in).register_and_login("alice")
    assert app.permanent_session_lifetime.total_seconds() == 30 * 60
    clock.advance(29 * 60)
    assert logged_in.get("/me").status_code == 200  # activity extends the session
    clock.advance(29 * 60)
    assert logged_in.get("/me").status_code == 200
    clock.advance(31 * 60)
    assert logged_in.get("/me").status_code == 401


def test_cookie_expiry_matches_the_session_lifetime(auth):
    auth.register("alice")
    cookie = auth.login("alice").headers["Set-Cookie"]
    assert "Expires=" in cookie


def test_more_than_500_live_sessions_are_all_kept(app):
    """cachelib's default threshold would silently delete the oldest ones."""
    AuthActions(app.test_client()).register("alice")
    cookies = []
    for _ in range(520):
        client = app.test_client()
        assert AuthActions(client).login("alice").status_code == 200
        cookies.append(client.get_cookie("session").value)
    assert stored_session_count(app) == 520
    for sid in (cookies[0], cookies[1], cookies[259], cookies[-1]):
        assert client_with_cookie(app, sid).get("/me").status_code == 200


def test_expired_session_files_are_swept(sqlite_config, clock):
    from app import create_app
    from extensions import db

    app = create_app(sqlite_config | {"SESSION_PRUNE_INTERVAL": 0})
    with app.app_context():
        db.create_all()
    first = app.test_client()
    AuthActions(first).register_and_login("alice")
    assert stored_session_count(app) == 1
    clock.advance(31 * 60)
    AuthActions(app.test_client()).login("alice")
    # The expired session was removed while saving the new one.
    assert stored_session_count(app) == 1
    assert first.get("/me").status_code == 401


def test_session_files_are_private(sqlite_app):
    app = sqlite_app
    AuthActions(app.test_client()).register_and_login("alice")
    directory = app.session_interface.cache._path
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    (name,) = os.listdir(directory)
    assert stat.S_IMODE(os.stat(os.path.join(directory, name)).st_mode) == 0o600


redis_only = pytest.mark.skipif(not TEST_REDIS_URL, reason="needs TEST_REDIS_URL")


@redis_only
def test_redis_sessions_carry_the_lifetime_as_ttl_and_slide(app, logged_in, clock):
    interface = app.session_interface
    (key,) = interface.client.scan_iter(f"{interface.key_prefix}*")
    assert 1790 <= interface.client.ttl(key) <= 1800
    interface.client.expire(key, 60)  # as if 29 minutes had passed...
    clock.advance(29 * 60)  # ...on our clock too
    assert logged_in.get("/me").status_code == 200
    assert interface.client.ttl(key) > 1700  # activity extended it


@redis_only
def test_redis_sessions_really_expire(app_config):
    app = create_app(app_config | {"PERMANENT_SESSION_LIFETIME": 1})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    assert client.get("/me").status_code == 200
    time.sleep(2.2)  # Redis expires keys on its own clock
    assert client.get("/me").status_code == 401


def test_a_session_is_rewritten_at_most_once_per_refresh_interval(sqlite_app, clock):
    app = sqlite_app
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    directory = app.session_interface.cache._path
    (name,) = os.listdir(directory)
    path = os.path.join(directory, name)
    written = os.stat(path).st_mtime_ns
    for _ in range(5):
        assert client.get("/me").status_code == 200
    assert os.stat(path).st_mtime_ns == written  # no write per request
    clock.advance(61)
    assert client.get("/me").status_code == 200
    assert os.stat(path).st_mtime_ns != written  # expiry pushed forward


# --- Logout racing requests that write the session back -----------------------
# SESSION_REFRESH_INTERVAL = 0: every logged-in request writes its session back,
# as a session older than the interval does in real use.


@pytest.fixture
def rewriting_file_app(sqlite_config):
    """File sessions, rewritten by every logged-in request."""
    yield from app_with_schema(sqlite_config | {"SESSION_REFRESH_INTERVAL": 0})


@pytest.fixture
def rewriting_app(app_config):
    """The store under test (files or Redis), rewritten by every logged-in request."""
    yield from app_with_schema(app_config | {"SESSION_REFRESH_INTERVAL": 0})


def test_a_write_back_cannot_slip_between_its_check_and_a_logout(
    rewriting_file_app,
):
    """File store: a logout between "is it still stored?" and the write loses."""
    app = rewriting_file_app
    user = app.test_client()
    AuthActions(user).register_and_login("alice")
    sid = user.get_cookie("session").value
    interface = app.session_interface
    store_id = interface._get_store_id(sid)

    # Stop the write-back just after its check, until the logout has deleted
    # the session (or for a second, if the logout has to wait for the write).
    writing, deleted = threading.Event(), threading.Event()
    real_set, real_delete = interface.cache.set, interface.cache.delete

    def paused_set(key, *args, **kwargs):
        if key == store_id and not writing.is_set():
            writing.set()
            deleted.wait(timeout=1)
        return real_set(key, *args, **kwargs)

    def signalled_delete(key, *args, **kwargs):
        result = real_delete(key, *args, **kwargs)
        if key == store_id:
            deleted.set()
        return result

    interface.cache.set = paused_set
    interface.cache.delete = signalled_delete
    answers = {}
    write_back = threading.Thread(
        target=lambda: answers.update(me=user.get("/me")), daemon=True
    )
    write_back.start()
    assert writing.wait(timeout=10)
    logout = client_with_cookie(app, sid).post("/logout")
    write_back.join(timeout=10)

    assert logout.status_code == 200
    assert logout.get_json()["message"] == "Logged out successfully!"
    assert answers["me"].status_code == 200  # it started before the logout
    me = client_with_cookie(app, sid).get("/me")
    assert me.status_code == 401
    assert me.get_json()["status"] == "failed"
    assert stored_session_count(app) == 0


def burst_around_logout(base_url: str, cookies: dict) -> list[int]:
    """Send twelve GET /me and one POST /logout at once; return their statuses."""
    requests_to_send = (
        [("GET", "/me")] * 6 + [("POST", "/logout")] + [("GET", "/me")] * 6
    )
    start = threading.Barrier(len(requests_to_send))

    def send(method_and_path) -> int:
        method, path = method_and_path
        start.wait(timeout=10)
        return requests.request(
            method, base_url + path, cookies=cookies, timeout=10
        ).status_code

    with ThreadPoolExecutor(len(requests_to_send)) as pool:
        return list(pool.map(send, requests_to_send))


def test_logout_amid_a_burst_of_requests_always_ends_the_session(rewriting_app):
    """Fifty rounds of twelve requests around a logout: the logout always wins."""
    app = rewriting_app
    AuthActions(app.test_client()).register("alice")
    credentials = {"username": "alice", "password": PASSWORD}
    with serve(app) as base_url:
        for round_number in range(50):
            login = requests.post(f"{base_url}/login", json=credentials, timeout=10)
            assert login.status_code == 200
            cookies = login.cookies.get_dict()
            statuses = burst_around_logout(base_url, cookies)
            assert set(statuses) <= {200, 401}, statuses
            after = requests.get(f"{base_url}/me", cookies=cookies, timeout=10)
            assert after.status_code == 401, f"alive after round {round_number}"
            assert after.json()["status"] == "failed"
    assert stored_session_count(app) == 0
