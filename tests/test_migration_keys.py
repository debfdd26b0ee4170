"""The folded-key migration: existing names fold, ids are never reused, clashes are refused."""

from extensions import bcrypt
from plumbing.database import dispose_engines
from tests.helpers import PASSWORD, app_at, insert_rows


def database_before_folding(tmp_path, empty_database_url):
    """An app whose database is at the revision before the folded keys."""
    return app_at(tmp_path, empty_database_url, "5c1f0a7d9e21")


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
