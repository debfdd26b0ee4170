"""Case-folded name and search keys; ids never reused on SQLite

Revision ID: 7e3a9c5d2b14
Revises: 5c1f0a7d9e21
Create Date: 2026-11-23 18:40:00.000000

Two changes to the data's integrity:

* Categories and suppliers are unique by ``name_key``, their name case-folded
  in Python, and categories, suppliers and items are searched through
  ``search_key``. Both are filled here for the existing rows. They replace the
  lower(name) indexes, which fold ASCII only on SQLite. The item_tags rows,
  which the tag filter reads, hold tags folded too (longer: "ß" is "ss").
* On SQLite, every table with an id is rebuilt with AUTOINCREMENT, and its
  counter starts past every id already in use or named by a history row, so
  the id of a deleted row is never handed out again. (PostgreSQL's sequences
  never go back; nothing to do there.)
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7e3a9c5d2b14"
down_revision = "5c1f0a7d9e21"
branch_labels = None
depends_on = None

# The tables with a surrogate id, and the history entity_type naming their rows.
ID_TABLES = {
    "users": "user",
    "categories": "category",
    "suppliers": "supplier",
    "inventory": "item",
    "stock_movements": None,
    "history": None,
    "idempotency_keys": None,
}
SEARCHED_FIELDS = {
    "categories": ("name", "description"),
    "suppliers": ("name", "contact_name", "email"),
    "inventory": ("item_name", "description", "sku"),
}
# Expression indexes, which SQLite's table rebuild cannot carry over: dropped
# before it and created again after.
EXPRESSION_INDEXES = {
    "uq_users_username_lower": ("users", ["lower(username)"]),
    "uq_users_email_lower": ("users", ["lower(email)"]),
    "uq_inventory_user_sku": ("inventory", ["user_id", "lower(sku)"]),
}


def fold(text: str) -> str:
    # A copy of models.fold as it is at this revision: a migration must keep
    # producing the same keys even if the application's code changes later.
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).casefold())


def upgrade():
    bind = op.get_bind()
    # Read and check first: SQLite runs DDL outside a transaction, so a refusal
    # must come before the first change to leave the database as it was.
    keys = {table: folded_keys(bind, table) for table in SEARCHED_FIELDS}
    for table in ("categories", "suppliers"):
        refuse_duplicate_names(table, keys[table])
    for table in SEARCHED_FIELDS:
        op.add_column(
            table, sa.Column("search_key", sa.Text(), server_default="", nullable=False)
        )
    for table in ("categories", "suppliers"):
        op.add_column(
            table, sa.Column("name_key", sa.Text(), server_default="", nullable=False)
        )
        op.drop_index(f"uq_{table}_name_lower", table_name=table)
    for table, rows in keys.items():
        if rows:
            columns = ", ".join(f"{key} = :{key}" for key in rows[0] if key != "id")
            bind.execute(sa.text(f"UPDATE {table} SET {columns} WHERE id = :id"), rows)
    for table in ("categories", "suppliers"):
        op.create_index(f"uq_{table}_name_key", table, ["name_key"], unique=True)
    if bind.dialect.name == "sqlite":
        rebuild_sqlite_tables(bind)
    else:
        op.alter_column("item_tags", "tag", type_=sa.String(150))
    fold_tags(bind)


def folded_keys(bind, table: str) -> list[dict]:
    """Return the folded keys of every row of ``table`` (computed in Python)."""
    fields = SEARCHED_FIELDS[table]
    rows = bind.execute(sa.text(f"SELECT id, {', '.join(fields)} FROM {table}"))
    keys = []
    for row in rows:
        key = {"id": row.id}
        key["search_key"] = "\x1f".join(fold(value or "") for value in row[1:])
        if table != "inventory":
            key["name_key"] = fold(row.name)
        keys.append(key)
    return keys


def refuse_duplicate_names(table: str, keys: list[dict]) -> None:
    # SQLite let "ÉPICES" and "épices" both in. Which one to rename is the
    # owner's decision, not the migration's: stop, and say which ones clash.
    seen: dict[str, int] = {}
    clashes = []
    for row in keys:
        if row["name_key"] in seen:
            clashes.append(f"ids {seen[row['name_key']]} and {row['id']}")
        seen.setdefault(row["name_key"], row["id"])
    if clashes:
        raise RuntimeError(
            f"These {table} have names that differ only in case: "
            f"{'; '.join(clashes)}. Rename one of each pair, then upgrade again."
        )


def fold_tags(bind) -> None:
    """Store every item's tag rows folded, once each ("straße" = "strasse")."""
    rows = bind.execute(
        sa.text("SELECT item_id, tag, position FROM item_tags ORDER BY position")
    ).all()
    folded: dict[tuple[int, str], dict] = {}
    for row in rows:
        key = (row.item_id, fold(row.tag))
        folded.setdefault(
            key, {"item_id": key[0], "tag": key[1], "position": row.position}
        )
    if len(folded) == len(rows) and all(row.tag == fold(row.tag) for row in rows):
        return  # nothing to change (the usual case: tags were mostly ASCII)
    bind.execute(sa.text("DELETE FROM item_tags"))
    bind.execute(
        sa.text(
            "INSERT INTO item_tags (item_id, tag, position)"
            " VALUES (:item_id, :tag, :position)"
        ),
        list(folded.values()),
    )


def rebuild_sqlite_tables(bind) -> None:
    """Rebuild each id table with AUTOINCREMENT and start its counter safely.

    SQLite cannot change a table's declaration in place. item_tags is rebuilt
    too, for its longer tag column.
    """
    # Dropping a table that others reference would cascade-delete their rows
    # while foreign keys are enforced, and SQLite only switches enforcement
    # outside a transaction.
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        for name, (table, _) in EXPRESSION_INDEXES.items():
            op.drop_index(name, table_name=table)
        for table in ID_TABLES:
            # Batch mode copies the table into a new one declared with
            # AUTOINCREMENT, with its columns, constraints and plain indexes.
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ):
                pass
        with op.batch_alter_table("item_tags") as batch:
            batch.alter_column("tag", type_=sa.String(150), existing_nullable=False)
        for name, (table, columns) in EXPRESSION_INDEXES.items():
            op.create_index(name, table, [sa.text(c) for c in columns], unique=True)
        for table, entity_type in ID_TABLES.items():
            start_counter_past_used_ids(bind, table, entity_type)
        problems = bind.execute(sa.text("PRAGMA foreign_key_check")).all()
        if problems:
            raise RuntimeError(f"Foreign keys broken by the rebuild: {problems}")
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def start_counter_past_used_ids(bind, table: str, entity_type: str | None) -> None:
    # The next id is past the largest still in the table and past any that a
    # history row names (say, the newest item, since deleted), so GET
    # /history?item_id=N never mixes two items.
    used = [f"SELECT max(id) FROM {table}"]
    if entity_type is not None:
        used.append(
            f"SELECT max(entity_id) FROM history WHERE entity_type = '{entity_type}'"
        )
    highest = max(
        (bind.execute(sa.text(query)).scalar() or 0 for query in used), default=0
    )
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": table})
    bind.execute(
        sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
        {"t": table, "seq": highest},
    )


def downgrade():
    # SQLite tables keep AUTOINCREMENT, which the previous code does not mind.
    # Tag rows stay folded and 150 long: with the previous code, a tag that
    # folding changes ("straße") is then found by its folded spelling only.
    for table in ("categories", "suppliers"):
        op.drop_index(f"uq_{table}_name_key", table_name=table)
        op.drop_column(table, "name_key")
        op.create_index(
            f"uq_{table}_name_lower", table, [sa.text("lower(name)")], unique=True
        )
    for table in SEARCHED_FIELDS:
        op.drop_column(table, "search_key")
