"""A password change that fails part-way changes nothing, and ends sessions later."""

import errno

from sqlalchemy.exc import OperationalError

from extensions import db
from tests.helpers import AuthActions

NEW = "new-secret-9"


def change(client, current="password123"):
    return client.put(
        "/me/password", json={"current_password": current, "new_password": NEW}
    )


def test_a_store_that_cannot_write_the_new_session_keeps_the_old_one(
    app, logged_in, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    # Deleting still works where writing does not (a full disk, Redis at maxmemory).
    monkeypatch.setattr(app.session_interface, "_upsert_session", full)
    assert change(logged_in).status_code == 503
    monkeypatch.undo()
    assert logged_in.get("/me").status_code == 200
    relogin = app.test_client().post(
        "/login", json={"username": "alice", "password": "password123"}
    )
    assert relogin.status_code == 200


def test_a_login_whose_new_session_cannot_be_stored_keeps_the_old_one(
    app, logged_in, monkeypatch
):
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(app.session_interface, "_upsert_session", full)
    again = logged_in.post(
        "/login", json={"username": "alice", "password": "password123"}
    )
    assert again.status_code == 503
    monkeypatch.undo()
    assert logged_in.get("/me").status_code == 200


def test_a_session_kept_by_a_failed_change_still_ends_at_the_next_one(
    app, logged_in, monkeypatch
):
    with app.app_context():

        def locked():
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

        monkeypatch.setattr(db.session, "commit", locked)
        assert change(logged_in).status_code == 503
        monkeypatch.undo()
    assert logged_in.get("/me").status_code == 200
    phone = app.test_client()
    AuthActions(phone).login()
    assert change(phone).status_code == 200
    assert logged_in.get("/me").status_code == 401
    assert phone.get("/me").status_code == 200
