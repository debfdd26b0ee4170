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
from plumbing.database import dispose_engines
from tests.helpers import PASSWORD, AuthActions, sqlite_settings_for

# The last revision before teams own the inventory.
BEFORE_TEAMS = "7e3a9c5d2b14"


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
        dispose_engines()


def app_at(tmp_path, database_url: str, revision: str):
    """An app, and its CLI runner, whose database the migrations brought to
    ``revision``: a database of that schema, for a later migration to meet."""
    app = create_app(
        sqlite_settings_for(tmp_path) | {"SQLALCHEMY_DATABASE_URI": database_url}
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", revision]).exit_code == 0
    return app, runner


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


def database_before_folding(tmp_path, empty_database_url):
    """An app whose database is at the revision before the folded keys."""
    return app_at(tmp_path, empty_database_url, "5c1f0a7d9e21")


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
        dispose_engines()


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
        dispose_engines()


def test_the_teams_migration_moves_every_users_data_into_a_personal_team(
    tmp_path, empty_database_url
):
    # A database of the schema before teams: alice (7) and carol (9) share the
    # global category "Tools"; "Paint" is alice's alone; nobody uses "Unused";
    # boss (8) is the site admin.
    app, runner = app_at(tmp_path, empty_database_url, BEFORE_TEAMS)
    with app.app_context():
        password_hash = bcrypt.generate_password_hash(PASSWORD).decode()
    now = "CURRENT_TIMESTAMP"
    statements = [
        *(
            "INSERT INTO users (id, username, email, password_hash, role, created_at,"
            f" item_count, history_count) VALUES ({id_}, '{name}', '{name}@x.example',"
            f" '{password_hash}', '{role}', {now}, {items}, {items})"
            for id_, name, role, items in (
                (7, "alice", "staff", 2),
                (8, "boss", "admin", 0),
                (9, "carol", "staff", 1),
            )
        ),
        *(
            f"INSERT INTO {table} (id, name, name_key, search_key, created_at,"
            f" updated_at) VALUES ({id_}, '{name}', '{name.lower()}', '', {now}, {now})"
            for table, id_, name in (
                ("categories", 1, "Tools"),
                ("categories", 2, "Paint"),
                ("categories", 3, "Unused"),
                ("suppliers", 1, "Acme"),
            )
        ),
        *(
            "INSERT INTO inventory (id, user_id, item_name, sku, quantity, price_cents,"
            " reorder_level, status, version, starting_quantity, metadata, search_key,"
            f" category_id, supplier_id, created_at, updated_at) VALUES ({id_},"
            f" {owner}, '{name}', 'SKU-{id_}', 5, 100, 0, 'active', 1, 5, '{{}}', '',"
            f" {category}, {supplier}, {now}, {now})"
            for id_, owner, name, category, supplier in (
                (1, 7, "Hammer", 1, "NULL"),
                (2, 7, "Red paint", 2, "NULL"),
                (3, 9, "Saw", 1, 1),
            )
        ),
        "INSERT INTO stock_movements (item_id, user_id, change, reason,"
        " quantity_before, quantity_after, created_at)"
        f" VALUES (1, 7, 1, 'purchase', 5, 6, {now})",
        *(
            "INSERT INTO history (user_id, action_type, entity_type, entity_id,"
            f" timestamp) VALUES ({owner}, 'create', 'item', {item}, {now})"
            for owner, item in ((7, 1), (7, 2), (9, 3))
        ),
        # The newest item was deleted: its id must not come back.
        "INSERT INTO inventory (id, user_id, item_name, quantity, price_cents,"
        " reorder_level, status, version, starting_quantity, metadata, search_key,"
        f" created_at, updated_at) VALUES (4, 9, 'Gone', 0, 0, 0, 'active', 1, 0,"
        f" '{{}}', '', {now}, {now})",
        "DELETE FROM inventory WHERE id = 4",
        "INSERT INTO history (user_id, action_type, entity_type, entity_id,"
        f" timestamp) VALUES (9, 'delete', 'item', 4, {now})",
    ]
    insert_rows(app, statements)
    with app.app_context(), db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; the API's would not.
            for table, last in (("users", 9), ("categories", 3), ("inventory", 4)):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"
                    )
                )
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output

    def rows(query: str) -> list[tuple]:
        with app.app_context(), db.engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(query))]

    # A personal team per user, with the user's id, counters and admin role.
    assert rows("SELECT id, name, item_count FROM teams ORDER BY id") == [
        (7, "alice's inventory", 2),
        (8, "boss's inventory", 0),
        (9, "carol's inventory", 1),
    ]
    assert rows("SELECT team_id, user_id, role FROM memberships ORDER BY team_id") == [
        (7, 7, "admin"),
        (8, 8, "admin"),
        (9, 9, "admin"),
    ]
    assert rows("SELECT id, team_id FROM inventory ORDER BY id") == [
        (1, 7),
        (2, 7),
        (3, 9),
    ]
    assert rows("SELECT DISTINCT team_id, user_id FROM history ORDER BY 1") == [
        (7, 7),
        (9, 9),
    ]
    # "Tools" stays alice's (the first team using it); carol's item points at
    # her team's copy. "Unused" goes to the site admin's team.
    categories = rows("SELECT id, team_id, name FROM categories ORDER BY id")
    assert categories[:3] == [(1, 7, "Tools"), (2, 7, "Paint"), (3, 8, "Unused")]
    (copy,) = categories[3:]
    assert copy[1:] == (9, "Tools")
    assert rows("SELECT category_id, supplier_id FROM inventory WHERE id = 3") == [
        (copy[0], 1)
    ]
    assert rows("SELECT id, team_id FROM suppliers") == [(1, 9)]

    # The old accounts work through the API, each in their team.
    client = app.test_client()
    assert AuthActions(client).login("carol").status_code == 200
    (saw,) = client.get("/inventory").get_json()["items"]
    assert (saw["item_name"], saw["category_name"], saw["supplier_name"]) == (
        "Saw",
        "Tools",
        "Acme",
    )
    assert client.get("/me").get_json()["team"] == {
        "id": 9,
        "name": "carol's inventory",
        "role": "admin",
    }
    # Her two rows and this login: counted afresh by the history count's
    # migration, whatever the old counter said (1 here).
    assert client.get("/history").get_json()["pagination"]["total"] == 3
    created = client.post(
        "/inventory", json={"item_name": "New", "quantity": 1, "price": 1}
    )
    assert created.get_json()["item_id"] == 5  # 4 was taken before
    with app.app_context():
        dispose_engines()


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


def test_a_fresh_database_gets_no_team_until_someone_registers(migrated_app):
    # The teams migration gives catalog entries nobody uses to a team; on an
    # empty database there are none, so it makes no ownerless team either.
    with migrated_app.app_context(), db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM teams")).scalar() == 0


def test_catalog_entries_without_any_user_go_to_one_catalog_team(
    tmp_path, empty_database_url
):
    app, runner = app_at(tmp_path, empty_database_url, BEFORE_TEAMS)
    insert_rows(
        app,
        [
            f"INSERT INTO {table} (id, name, name_key, search_key, created_at,"
            f" updated_at) VALUES (1, '{name}', '{name.lower()}', '',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            for table, name in (("categories", "Tools"), ("suppliers", "Acme"))
        ],
    )
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context(), db.engine.connect() as connection:
        teams = connection.execute(text("SELECT id, name FROM teams")).all()
        owners = connection.execute(
            text(
                "SELECT team_id FROM categories UNION ALL SELECT team_id FROM suppliers"
            )
        ).scalars()
        assert [tuple(team) for team in teams] == [(teams[0].id, "Catalog")]
        assert list(owners) == [teams[0].id] * 2
    with app.app_context():
        dispose_engines()


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
