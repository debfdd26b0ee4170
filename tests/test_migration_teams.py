"""The teams migration: every user's data moves into a personal team of their own."""

from sqlalchemy import text

from extensions import bcrypt, db
from plumbing.database import dispose_engines
from tests.helpers import BEFORE_TEAMS, PASSWORD, AuthActions, app_at, insert_rows


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
