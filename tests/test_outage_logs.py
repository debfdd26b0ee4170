"""An expected outage logs one line per request, never a traceback.

The database or Redis briefly away is not a bug to trace: each request it
fails writes one warning or error line (besides its access line), so a
minute of outage does not bury the log in stack traces.
"""

import logging
import shutil
import socket

import pytest

from app import create_app
from extensions import db
from tests.helpers import AuthActions, item_payload
from tests.own_redis import OwnRedis


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once it is closed


def assert_one_line_per_request(caplog, app, send_all) -> list:
    """Send each request; return their answers, checking what each logged."""
    answers = []
    for send in send_all:
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            answers.append(send())
        logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(logged) == 1, [r.getMessage() for r in logged]
        assert logged[0].name == app.logger.name
        assert logged[0].exc_info is None  # no traceback
        assert "\n" not in logged[0].getMessage()
    return answers


@pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")
def test_redis_away_logs_one_line_per_request(sqlite_config, tmp_path, caplog):
    server = OwnRedis(tmp_path)
    server.start()
    try:
        app = create_app(
            sqlite_config | {"SESSION_TYPE": "redis", "SESSION_REDIS_URL": server.url}
        )
        with app.app_context():
            db.create_all()
        client = app.test_client()
        AuthActions(client).register_and_login("alice")
    finally:
        server.stop()

    answers = assert_one_line_per_request(
        caplog,
        app,
        [
            lambda: client.get("/me"),
            lambda: client.get("/inventory"),
            lambda: client.post("/inventory", json=item_payload()),
            lambda: client.get("/health"),
            lambda: AuthActions(app.test_client()).login("alice"),
        ],
    )
    assert [a.status_code for a in answers] == [503] * 5
    assert all(a.get_json()["status"] == "failed" for a in answers)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_database_away_logs_one_line_per_request(sqlite_config, caplog, kind):
    url = {
        "sqlite": "sqlite:////nonexistent-dir/inventory.db",
        # psycopg's message for a refused connection spans two lines.
        "postgresql": f"postgresql://u:p@127.0.0.1:{closed_port()}/x",
    }[kind]
    app = create_app(sqlite_config | {"SQLALCHEMY_DATABASE_URI": url})
    client = app.test_client()

    answers = assert_one_line_per_request(
        caplog,
        app,
        [
            lambda: client.get("/health"),
            lambda: AuthActions(client).register("alice"),
            lambda: AuthActions(client).login("alice"),
        ],
    )
    assert [a.status_code for a in answers] == [503] * 3
    assert answers[1].get_json()["message"] == (
        "The database is busy or unavailable; please retry shortly."
    )
