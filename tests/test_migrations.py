"""Migrations build exactly the schema the models describe, on every backend."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, inspect, text

from app import create_app
from extensions import db
from plumbing.database import dispose_engines
from tests.helpers import BEFORE_TEAMS, app_at, sqlite_settings_for


@pytest.fixture
def migrated_app(tmp_path, empty_database_url):
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    yield app
    with app.app_context():
        dispose_engines()


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
        # lower(...) for usernames, e-mails and SKUs (ASCII by their patterns);
        # catalog names are unique by their folded name_key instead.
        assert len(expression_index_names()) == 3


def test_upgrade_declares_every_id_table_autoincrement(migrated_app):
    with migrated_app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            pytest.skip("PostgreSQL's sequences never reuse ids anyway")
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
        tables = dict(connection.execute(text(query)).all())
    for table in db.metadata.tables.values():
        if "id" in table.c:
            assert "AUTOINCREMENT" in tables[table.name], table.name


def test_the_migrated_database_serves_the_api(migrated_app):
    client = migrated_app.test_client()
    body = {"username": "alice", "email": "a@example.com", "password": "password123"}
    assert client.post("/register", json=body).status_code == 201
    # The case-insensitive unique index came from the migration.
    clash = body | {"username": "ALICE", "email": "b@example.com"}
    assert client.post("/register", json=clash).status_code == 409


def test_downgrading_past_teams_refuses_and_changes_nothing(migrated_app):
    with migrated_app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    result = migrated_app.test_cli_runner().invoke(args=["db", "downgrade", "base"])
    assert result.exit_code != 0
    assert "Downgrading past teams (a5c8e1f3d920) is not supported" in result.output
    with migrated_app.app_context():
        assert set(inspect(db.engine).get_table_names()) == tables


def test_downgrade_from_before_teams_removes_everything(tmp_path, empty_database_url):
    app, runner = app_at(tmp_path, empty_database_url, BEFORE_TEAMS)
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        dispose_engines()


def test_a_fresh_database_gets_no_team_until_someone_registers(migrated_app):
    # The teams migration gives catalog entries nobody uses to a team; on an
    # empty database there are none, so it makes no ownerless team either.
    with migrated_app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM teams")).scalar() == 0


def test_the_optional_columns_indexes_hold_only_the_items_that_have_one(migrated_app):
    # An item without an expiry date, a category or a supplier (most of them)
    # is in none of these indexes: creating it writes three B-trees fewer.
    with migrated_app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            query = "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
        else:
            query = "SELECT indexname, indexdef FROM pg_indexes"
        definitions = dict(connection.execute(text(query)).all())
    for name, column in (
        ("ix_inventory_team_expiry", "expiry_date"),
        ("ix_inventory_category_team", "category_id"),
        ("ix_inventory_supplier_team", "supplier_id"),
    ):
        assert f"WHERE {column} IS NOT NULL" in definitions[name].replace("(", "")
