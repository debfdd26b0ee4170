"""Production serving: gunicorn with several workers, and proxy headers."""

import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from app import create_app
from extensions import db
from tests.helpers import PASSWORD, live_login

ROOT = Path(__file__).resolve().parent.parent


def limited_app(config: dict):
    app = create_app(
        config | {"RATELIMIT_ENABLED": True, "REGISTER_LIMIT": "1 per hour"}
    )
    with app.app_context():
        db.create_all()
    return app


def register(client, username: str, forwarded_for: str):
    return client.post(
        "/register",
        json={
            "username": username,
            "email": f"{username}@example.com",
            "password": PASSWORD,
        },
        headers={"X-Forwarded-For": forwarded_for},
        environ_base={"REMOTE_ADDR": "10.0.0.1"},
    )


def test_forwarded_headers_are_ignored_without_a_configured_proxy(sqlite_config):
    client = limited_app(sqlite_config).test_client()
    assert register(client, "alice", "1.1.1.1").status_code == 201
    # A client cannot dodge the per-address limit by inventing addresses.
    assert register(client, "bob", "2.2.2.2").status_code == 429


def test_proxy_fix_trusts_the_configured_number_of_proxies(sqlite_config):
    client = limited_app(sqlite_config | {"PROXY_FIX_X_FOR": 1}).test_client()
    assert register(client, "alice", "1.1.1.1").status_code == 201
    assert register(client, "bob", "2.2.2.2").status_code == 201
    assert register(client, "carol", "2.2.2.2").status_code == 429


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server(tmp_path, app_config):
    """`make serve`'s command: migrate, then gunicorn with 3 workers."""
    port = free_port()
    env = os.environ | {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": app_config["SQLALCHEMY_DATABASE_URI"],
        "SESSION_TYPE": app_config["SESSION_TYPE"],
        "SESSION_REDIS_URL": app_config.get("SESSION_REDIS_URL", ""),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "3",
        "APP_ENV": "development",
        "FLASK_BCRYPT_LOG_ROUNDS": "4",
    }
    if app_config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        migrate = [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True)
    else:
        with create_app(app_config).app_context():
            db.create_all()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass  # not listening yet, or a worker still booting
        time.sleep(0.1)
    else:
        process.kill()
        pytest.fail("gunicorn did not start")
    yield base, process.pid
    process.terminate()
    process.wait(timeout=10)


def worker_pids(master_pid: int) -> set[int]:
    """The pids of the processes whose parent is ``master_pid`` (Linux /proc)."""
    children = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # Field 4 is the parent pid; the command name before it may hold spaces.
            if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
                children.add(int(entry.name))
    return children


def test_gunicorn_workers_share_sessions_and_data(gunicorn_server):
    gunicorn_server, master_pid = gunicorn_server
    assert len(worker_pids(master_pid)) == 3
    user = live_login(gunicorn_server)
    item = {"item_name": "Widget", "quantity": 50, "price": 1}
    item_id = user.post(f"{gunicorn_server}/inventory", json=item).json()["item_id"]
    # Many requests spread over the workers: the session and data are shared.
    for _ in range(30):
        response = user.post(
            f"{gunicorn_server}/inventory/{item_id}/stock",
            json={"change": -1, "reason": "sale"},
        )
        assert response.status_code == 200
    final = user.get(f"{gunicorn_server}/inventory/{item_id}").json()["item"]
    assert final["quantity"] == 20
    assert user.post(f"{gunicorn_server}/logout").status_code == 200
    assert user.get(f"{gunicorn_server}/me").status_code == 401


@pytest.mark.parametrize(
    "database_url",
    [
        "",  # the default: SQLite in the instance folder
        "sqlite:////srv/inventory.db",
        "postgresql://inventory@127.0.0.1/inventory",
    ],
)
def test_gunicorn_defaults_to_a_worker_per_core(database_url):
    # SQLite takes one writer at a time, so more processes than cores only
    # make writers wait for a descheduled lock holder; PostgreSQL and Redis on
    # the same cores made the tail longer with more (docs/BENCHMARKS.md).
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cores = os.cpu_count() or 1
    workers = settings["default_workers"](database_url)
    assert workers == cores
