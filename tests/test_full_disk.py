"""A full disk, for real: a small tmpfs, filled to the last page.

Session files, the SQLite database or a PostgreSQL server's data live on the
tmpfs; a filler file takes every free page, so each write fails with ENOSPC
as on a full disk or quota. Mounting needs root; elsewhere these tests skip.
"""

import errno
import logging
import os
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.pool import NullPool

from errors import DISK_FULL_MESSAGE
from extensions import db
from models import History, Item
from plumbing.session_stores import STORE_FULL_MESSAGE
from tests.helpers import AuthActions, app_with_schema, item_payload

PG_CTL = "/usr/lib/postgresql/15/bin/pg_ctl"
SERVICES = Path(__file__).resolve().parent.parent / "scripts" / "services.sh"


class TinyDisk:
    """A mounted tmpfs of ``size``, which fill() fills and free() empties."""

    def __init__(self, path, size: str, mode: str = "0700") -> None:
        self.path = path
        self.filler = path / "filler"
        path.mkdir(exist_ok=True)
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size},mode={mode}", "tmpfs", path],
            capture_output=True,
            text=True,
        )
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")

    def fill(self) -> None:
        file = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        try:
            while True:
                os.write(file, b"\0" * 65536)
        except OSError as error:
            assert error.errno == errno.ENOSPC
        finally:
            os.close(file)

    def free(self) -> None:
        os.remove(self.filler)

    def unmount(self) -> None:
        with suppress(FileNotFoundError):
            self.free()
        subprocess.run(["umount", "--lazy", self.path], check=True)


@pytest.fixture
def tiny_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    disk = TinyDisk(tmp_path / "disk", "4m")
    yield disk
    disk.unmount()


@pytest.fixture
def sessions_on_disk(sqlite_config, sqlite_template, tiny_disk):
    """An app whose session files are on the tiny disk."""
    sessions = tiny_disk.path / "sessions"
    config = sqlite_config | {"SESSION_FILE_DIR": str(sessions)}
    for app in app_with_schema(config, sqlite_template):
        app.sessions_folder = sessions
        yield app


@pytest.fixture
def database_on_disk(sqlite_config, sqlite_template, tiny_disk):
    """An app whose SQLite database is on the tiny disk."""
    uri = f"sqlite:///{tiny_disk.path / 'inventory.db'}"
    yield from app_with_schema(
        sqlite_config | {"SQLALCHEMY_DATABASE_URI": uri}, sqlite_template
    )


@pytest.fixture
def postgres_on_disk(sqlite_config):
    """An app on a PostgreSQL server of its own, its data on a tiny disk."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    if not os.access(PG_CTL, os.X_OK):
        pytest.skip("needs PostgreSQL 15 (scripts/services.sh installs it)")
    # Not under pytest's private folders: the postgres user must reach it.
    disk = TinyDisk(Path(tempfile.mkdtemp(prefix="inventory-pg-disk-")), "72m", "0755")
    environment = os.environ | {"SERVICES_DIR": str(disk.path / "services")}
    try:
        subprocess.run([SERVICES, "start"], env=environment, check=True)
        for line in (disk.path / "services" / "env").read_text().splitlines():
            name, _, value = line.partition("=")
            if name == "TEST_DATABASE_URL":
                url = value
        settings = {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"poolclass": NullPool},
        }
        for app in app_with_schema(sqlite_config | settings):
            yield app, disk
    finally:
        subprocess.run([SERVICES, "stop"], env=environment, check=True)
        disk.unmount()
        disk.path.rmdir()


def history_actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(History.action_type)))


def test_a_login_on_a_full_disk_is_a_503_that_says_so_and_leaves_no_file(
    sessions_on_disk, tiny_disk
):
    app = sessions_on_disk
    client = app.test_client()
    AuthActions(client).register("alice")
    tiny_disk.fill()

    login = AuthActions(client).login("alice")
    health = client.get("/health")

    assert login.status_code == 503
    assert login.get_json()["message"] == STORE_FULL_MESSAGE
    assert "Set-Cookie" not in login.headers
    assert history_actions(app) == ["register"]
    assert os.listdir(app.sessions_folder) == []  # no stray temporary file
    assert health.status_code == 503
    assert health.get_json()["checks"] == {
        "database": "ok",
        "session_store": "unavailable",
    }

    tiny_disk.free()
    retried = AuthActions(client).login("alice")
    assert retried.status_code == 200
    assert client.get("/me").get_json()["user"]["username"] == "alice"
    assert client.get("/health").status_code == 200
    assert len(os.listdir(app.sessions_folder)) == 1
    assert history_actions(app) == ["register", "login"]


def test_a_sale_on_a_full_disk_is_a_success_and_leaves_no_file(
    sessions_on_disk, tiny_disk, clock
):
    app = sessions_on_disk
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    item = client.post("/inventory", json=item_payload(quantity=10)).get_json()
    stored = os.listdir(app.sessions_folder)
    tiny_disk.fill()
    clock.advance(61)  # the session's refresh is due, and cannot be written

    sale = client.post(
        f"/inventory/{item['item_id']}/stock", json={"reason": "sale", "change": -1}
    )

    assert sale.status_code == 200
    assert sale.get_json()["item"]["quantity"] == 9
    assert os.listdir(app.sessions_folder) == stored  # no stray temporary file
    assert client.get("/me").status_code == 200  # the stored session still works


def test_a_full_database_disk_is_answered_in_words_that_say_so(
    database_on_disk, tiny_disk, caplog
):
    app = database_on_disk
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    tiny_disk.fill()

    with caplog.at_level(logging.WARNING):
        refused = client.post("/inventory", json=item_payload())

    assert refused.status_code == 503
    assert refused.get_json()["message"] == DISK_FULL_MESSAGE
    assert "Retry-After" not in refused.headers  # a second will not free a disk
    (logged,) = [r for r in caplog.records if r.name == app.logger.name]
    assert "full" in logged.getMessage() and logged.exc_info is None
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 0

    tiny_disk.free()
    assert client.post("/inventory", json=item_payload()).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 1


def test_a_full_postgresql_disk_is_answered_in_words_that_say_so(postgres_on_disk):
    app, disk = postgres_on_disk
    client = app.test_client()
    AuthActions(client).register_and_login("alice")
    disk.fill()

    refused = client.post("/inventory", json=item_payload())  # a new table page

    assert refused.status_code == 503
    assert refused.get_json()["message"] == DISK_FULL_MESSAGE
    assert "Retry-After" not in refused.headers
    disk.free()
    assert client.post("/inventory", json=item_payload()).status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Item)) == 1
