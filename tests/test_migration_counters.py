"""The counter migrations: kept counts start from the rows a database already holds."""

from sqlalchemy import text

from extensions import db
from plumbing.database import dispose_engines
from tests.helpers import BEFORE_TEAMS, AuthActions, app_at


def test_the_counter_migrations_start_from_the_existing_rows(
    tmp_path, empty_database_url
):
    # A database from before the counters: its users already have items and
    # history, which the new columns must count from the start.
    app, runner = app_at(tmp_path, empty_database_url, "320e43a2f49a")
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, email, password_hash, role, created_at)"
                " VALUES (7, 'old', 'old@example.com', 'x', 'staff', CURRENT_TIMESTAMP)"
            )
        )
        for number in range(3):
            connection.execute(
                text(
                    "INSERT INTO inventory (user_id, item_name, quantity, price_cents,"
                    " reorder_level, status, version, starting_quantity, metadata,"
                    " created_at, updated_at) VALUES (7, :name, 1, 100, 0, 'active',"
                    " 1, 1, '{}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"name": f"Item {number}"},
            )
            connection.execute(
                text(
                    "INSERT INTO history (user_id, action_type, entity_type, timestamp)"
                    " VALUES (7, 'create', 'item', CURRENT_TIMESTAMP)"
                )
            )
    # Up to the last revision with the counters on users (teams took them).
    result = runner.invoke(args=["db", "upgrade", BEFORE_TEAMS])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            counts = connection.execute(
                text("SELECT item_count, history_count FROM users WHERE id = 7")
            ).one()
        dispose_engines()
    assert tuple(counts) == (3, 3)


def test_the_history_count_migration_recounts_and_then_counts_by_trigger(
    tmp_path, empty_database_url
):
    # A database from before the trigger, whose kept count is off (as if a row
    # had been written without it): the migration recounts, then the database
    # counts every row added or removed, however it is written.
    app, runner = app_at(tmp_path, empty_database_url, "c3d4e5f6a7b8")
    client = app.test_client()
    AuthActions(client).register_and_login("old")  # register and login: 2 rows
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE teams SET history_count = 40"))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    def kept_and_counted():
        with app.app_context(), db.engine.connect() as connection:
            return tuple(
                connection.execute(
                    text(
                        "SELECT history_count, (SELECT count(*) FROM history"
                        " WHERE history.team_id = teams.id) FROM teams"
                    )
                ).one()
            )

    assert kept_and_counted() == (2, 2)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO history (team_id, user_id, action_type, entity_type,"
                " timestamp) SELECT id, id, 'login', 'user', CURRENT_TIMESTAMP"
                " FROM teams"
            )
        )
    assert kept_and_counted() == (3, 3)
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM history WHERE action_type = 'register'"))
    assert kept_and_counted() == (2, 2)
    assert client.get("/history").get_json()["pagination"]["total"] == 2
    with app.app_context():
        dispose_engines()
