"""Migrations build exactly the schema the models describe, on every backend."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from extensions import db
from tests.conftest import sqlite_settings_for


@pytest.fixture
def empty_database_url(tmp_path, database_url):
    """A brand-new, empty database of the kind under test."""
    if database_url is None:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = "inventory_migration_test"
    admin = create_engine(
        database_url, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield (
        make_url(database_url).set(database=name).render_as_string(hide_password=False)
    )
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.fixture
def migrated_app(tmp_path, empty_database_url):
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        db.engine.dispose()


def expression_index_names() -> set[str]:
    return {
        index.name
        for table in db.metadata.tables.values()
        for index in table.indexes
        if any(not isinstance(expression, Column) for expression in index.expressions)
    }


def index_names(connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
    return set(connection.execute(text(query)).scalars())


def test_upgrade_builds_the_models_schema(migrated_app):
    with migrated_app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with warnings.catch_warnings():
            # Expression indexes cannot be compared by reflection; checked below.
            warnings.filterwarnings("ignore", "autogenerate skipping", UserWarning)
            warnings.filterwarnings("ignore", "Skipped unsupported reflection", Warning)
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        assert expression_index_names() <= index_names(connection)
        assert len(expression_index_names()) == 5


def test_the_migrated_database_serves_the_api(migrated_app):
    client = migrated_app.test_client()
    body = {"username": "alice", "email": "a@example.com", "password": "password123"}
    assert client.post("/register", json=body).status_code == 201
    # The case-insensitive unique index came from the migration.
    clash = body | {"username": "ALICE", "email": "b@example.com"}
    assert client.post("/register", json=clash).status_code == 409


def test_downgrade_removes_everything(migrated_app):
    result = migrated_app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with migrated_app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}


def test_the_counter_migrations_start_from_the_existing_rows(
    tmp_path, empty_database_url
):
    # A database from before the counters: its users already have items and
    # history, which the new columns must count from the start.
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "320e43a2f49a"]).exit_code == 0
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
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            counts = connection.execute(
                text("SELECT item_count, history_count FROM users WHERE id = 7")
            ).one()
        db.engine.dispose()
    assert tuple(counts) == (3, 3)
