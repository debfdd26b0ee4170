"""Migrations build exactly the schema the models describe, on every backend."""

import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from app import create_app
from extensions import bcrypt, db
from tests.helpers import PASSWORD, sqlite_settings_for


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


def database_before_folding(tmp_path, empty_database_url):
    """An app whose database is at the revision before the folded keys."""
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "5c1f0a7d9e21"]).exit_code == 0
    return app, runner


def insert_rows(app, statements: list[str]) -> None:
    with app.app_context(), db.engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))


def old_user(app) -> str:
    with app.app_context():
        password_hash = bcrypt.generate_password_hash(PASSWORD).decode()
    return (
        "INSERT INTO users (id, username, email, password_hash, role, created_at)"
        f" VALUES (7, 'old', 'old@example.com', '{password_hash}', 'admin',"
        " CURRENT_TIMESTAMP)"
    )


def old_item(item_id: int, name: str, description: str = "NULL") -> str:
    return (
        "INSERT INTO inventory (id, user_id, item_name, description, sku, quantity,"
        " price_cents, reorder_level, status, version, starting_quantity, metadata,"
        f" created_at, updated_at) VALUES ({item_id}, 7, '{name}', {description},"
        " 'SKU-' || CAST(:id AS TEXT), 1, 100, 0, 'active', 1, 1, '{}',"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    ).replace(":id", str(item_id))


def old_history(entity_type: str, entity_id: int) -> str:
    return (
        "INSERT INTO history (user_id, action_type, entity_type, entity_id,"
        f" timestamp) VALUES (7, 'delete', '{entity_type}', {entity_id},"
        " CURRENT_TIMESTAMP)"
    )


def test_the_key_migration_folds_existing_rows_and_never_reuses_their_ids(
    tmp_path, empty_database_url
):
    app, runner = database_before_folding(tmp_path, empty_database_url)
    insert_rows(
        app,
        [
            old_user(app),
            "INSERT INTO categories (id, name, description, created_at, updated_at)"
            " VALUES (3, 'ÉPICES', 'Straße', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
            old_item(1, "CAFÉ", "'Süß'"),
            old_item(2, "ΟΔΟΣ"),
            "INSERT INTO item_tags (item_id, tag, position)"
            " VALUES (1, 'straße', 0), (1, 'strasse', 1), (2, 'οδος', 0)",
            # Item 9 and category 5 were deleted; their history remains.
            old_history("item", 9),
            old_history("category", 5),
        ],
    )
    if empty_database_url.startswith("postgresql"):
        # The rows above have explicit ids; a real database's sequences are
        # past every id they handed out, deleted rows' included.
        sequences = {"users_id_seq": 7, "inventory_id_seq": 9, "categories_id_seq": 5}
        insert_rows(app, [f"SELECT setval('{s}', {n})" for s, n in sequences.items()])
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    client = app.test_client()
    login = client.post("/login", json={"username": "old", "password": PASSWORD})
    assert login.status_code == 200, login.get_json()
    found = client.get("/inventory?q=café").get_json()["items"]
    assert [item["item_name"] for item in found] == ["CAFÉ"]
    found = client.get("/inventory?q=SÜSS").get_json()["items"]
    assert [item["item_name"] for item in found] == ["CAFÉ"]
    found = client.get("/inventory?q=οδοσ").get_json()["items"]
    assert [item["item_name"] for item in found] == ["ΟΔΟΣ"]
    for tag, name in (("STRASSE", "CAFÉ"), ("Straße", "CAFÉ"), ("οδοσ", "ΟΔΟΣ")):
        found = client.get(f"/inventory?tag={tag}").get_json()["items"]
        assert [item["item_name"] for item in found] == [name], tag
    found = client.get("/categories?q=strasse").get_json()["categories"]
    assert [entry["name"] for entry in found] == ["ÉPICES"]
    clash = client.post("/categories", json={"name": "épices"})
    assert clash.status_code == 409, clash.get_json()
    # New ids start past every id in use or named by history.
    new_item = client.post(
        "/inventory", json={"item_name": "New", "quantity": 1, "price": 1}
    )
    assert new_item.get_json()["item_id"] == 10
    new_category = client.post("/categories", json={"name": "New"})
    assert new_category.get_json()["category"]["id"] == 6
    with app.app_context():
        db.engine.dispose()


def test_the_key_migration_refuses_names_that_differ_only_in_case(
    tmp_path, empty_database_url
):
    app, runner = database_before_folding(tmp_path, empty_database_url)
    insert_rows(
        app,
        [
            "INSERT INTO suppliers (id, name, created_at, updated_at)"
            f" VALUES ({supplier_id}, '{name}', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            for supplier_id, name in ((1, "Groß"), (2, "GROSS"))
        ],
    )
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code != 0
    assert "suppliers have names that differ only in case: ids 1 and 2" in (
        result.output
    )
    # Nothing was changed: once the owner renames one, the upgrade goes through.
    insert_rows(app, ["UPDATE suppliers SET name = 'Gross Ltd' WHERE id = 2"])
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.engine.dispose()
