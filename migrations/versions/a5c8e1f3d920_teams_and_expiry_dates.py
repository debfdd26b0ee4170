"""Teams own the inventory; items get expiry dates

Revision ID: a5c8e1f3d920
Revises: 7e3a9c5d2b14
Create Date: 2026-11-23 22:00:00.000000

Until now each user owned their items, and categories and suppliers were
global. From here a team owns an inventory and users are its members, with a
team role (admin or staff). Existing data moves without loss:

* every user gets a personal team, "<username>'s inventory", with the same id
  as the user (a fresh table, so the ids are free), and is its admin; their
  items, history and stored idempotent answers move to it, and the item and
  history counters move from the user to the team;
* a category or supplier used by the items of one team moves to that team; one
  used by several teams stays with the first and is copied to each other one,
  whose items point to the copy; one no item uses goes to the personal team of
  the first site admin (of the first user if there is none);
* items get an optional expiry date.

Downgrading would have to merge teams' catalogs back into one and cannot be
done without losing which team owns what: it refuses.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a5c8e1f3d920"
down_revision = "7e3a9c5d2b14"
branch_labels = None
depends_on = None

# The tables that get a team, and the column their existing rows take it from.
TEAM_OWNED = ("inventory", "history", "idempotency_keys")
CATALOGS = {"categories": "category_id", "suppliers": "supplier_id"}
SORT_COLUMNS = {
    "name": "item_name",
    "quantity": "quantity",
    "price": "price_cents",
    "created": "created_at",
    "updated": "updated_at",
}


def upgrade():
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("item_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("history_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "memberships",
        sa.Column(
            "team_id",
            sa.Integer(),
            sa.ForeignKey("teams.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_memberships_user", "memberships", ["user_id", "team_id"])

    # Every user's personal team, with the user's id and counters.
    op.execute(
        "INSERT INTO teams (id, name, item_count, history_count, created_at)"
        " SELECT id, username || '''s inventory', item_count, history_count,"
        " created_at FROM users"
    )
    op.execute(
        "INSERT INTO memberships (team_id, user_id, role, joined_at)"
        " SELECT id, id, 'admin', created_at FROM users"
    )
    if not sqlite:
        # Explicit ids leave PostgreSQL's sequence behind: move it past them.
        op.execute(
            "SELECT setval(pg_get_serial_sequence('teams', 'id'),"
            " coalesce(max(id), 0) + 1, false) FROM teams"
        )

    for table in (*TEAM_OWNED, *CATALOGS):
        op.add_column(table, sa.Column("team_id", sa.Integer(), nullable=True))
    op.add_column("inventory", sa.Column("expiry_date", sa.Date(), nullable=True))
    for table in TEAM_OWNED:
        op.execute(f"UPDATE {table} SET team_id = user_id")
    for table, column in CATALOGS.items():
        # Names become unique per team: copies in other teams keep the name.
        op.drop_index(f"uq_{table}_name_key", table_name=table)
        share_catalog(bind, table, column)

    if sqlite:
        rebuild_sqlite_tables(bind)
    else:
        constrain_postgresql_tables()


def share_catalog(bind, table: str, item_column: str) -> None:
    """Give each entry of ``table`` to the teams whose items use it."""
    columns = [
        column["name"]
        for column in sa.inspect(bind).get_columns(table)
        if column["name"] not in ("id", "team_id")
    ]
    copied = ", ".join(columns)
    for entry_id in bind.execute(
        sa.text(f"SELECT id FROM {table} ORDER BY id")
    ).scalars():
        teams = (
            bind.execute(
                sa.text(
                    "SELECT DISTINCT team_id FROM inventory"
                    f" WHERE {item_column} = :entry ORDER BY team_id"
                ),
                {"entry": entry_id},
            )
            .scalars()
            .all()
        )
        # Looked up only for an entry no item uses: an empty database gets no
        # ownerless "Catalog" team.
        first, *others = teams or [fallback_team(bind)]
        bind.execute(
            sa.text(f"UPDATE {table} SET team_id = :team WHERE id = :entry"),
            {"team": first, "entry": entry_id},
        )
        for team in others:
            copy_id = bind.execute(
                sa.text(
                    f"INSERT INTO {table} ({copied}, team_id)"
                    f" SELECT {copied}, :team FROM {table} WHERE id = :entry"
                    " RETURNING id"
                ),
                {"team": team, "entry": entry_id},
            ).scalar_one()
            bind.execute(
                sa.text(
                    f"UPDATE inventory SET {item_column} = :copy"
                    f" WHERE {item_column} = :entry AND team_id = :team"
                ),
                {"copy": copy_id, "entry": entry_id, "team": team},
            )


def fallback_team(bind) -> int:
    """The team for entries no item uses: the first site admin's (or user's)."""
    team = bind.execute(
        sa.text(
            "SELECT id FROM users ORDER BY CASE WHEN role = 'admin' THEN 0 ELSE 1 END,"
            " id LIMIT 1"
        )
    ).scalar()
    if team is None:
        # No users at all: one "Catalog" team owns the entries (with no users
        # there are no personal teams, so a team already here is that one).
        team = bind.execute(sa.text("SELECT min(id) FROM teams")).scalar()
    if team is None:
        team = bind.execute(
            sa.text(
                "INSERT INTO teams (name, item_count, history_count, created_at)"
                " VALUES ('Catalog', 0, 0, CURRENT_TIMESTAMP) RETURNING id"
            )
        ).scalar_one()
    return team


def new_constraints(batch, table: str) -> None:
    """The team's column made required, with its foreign key and indexes."""
    batch.alter_column("team_id", existing_type=sa.Integer(), nullable=False)
    batch.create_foreign_key(
        f"fk_{table}_team_id", "teams", ["team_id"], ["id"], ondelete="CASCADE"
    )
    if table == "inventory":
        for suffix, column in SORT_COLUMNS.items():
            batch.drop_index(f"ix_inventory_user_{suffix}")
            batch.create_index(f"ix_inventory_team_{suffix}", ["team_id", column, "id"])
        batch.create_index("ix_inventory_team_expiry", ["team_id", "expiry_date", "id"])
        batch.create_index("ix_inventory_team_id", ["team_id", "id"])
        # Items were looked up by their owner; now by team. (The index on
        # user_id would only slow every create down.)
        batch.drop_index("ix_inventory_user_id")
        for catalog in ("category", "supplier"):
            batch.drop_index(f"ix_inventory_{catalog}_user")
            batch.create_index(
                f"ix_inventory_{catalog}_team", [f"{catalog}_id", "team_id"]
            )
    elif table in CATALOGS:
        batch.create_index(
            f"uq_{table}_team_name", ["team_id", "name_key"], unique=True
        )
    elif table == "history":
        batch.drop_index("ix_history_user_timestamp")
        batch.create_index("ix_history_team_timestamp", ["team_id", "timestamp", "id"])
        batch.create_index(
            "ix_history_team_actor", ["team_id", "user_id", "timestamp", "id"]
        )
    elif table == "idempotency_keys":
        batch.drop_index("uq_idempotency_user_key")
        batch.create_index(
            "uq_idempotency_team_user_key", ["team_id", "user_id", "key"], unique=True
        )


def constrain_postgresql_tables() -> None:
    for table in (*TEAM_OWNED, *CATALOGS):
        with op.batch_alter_table(table) as batch:  # plain ALTERs on PostgreSQL
            new_constraints(batch, table)
    op.drop_index("uq_inventory_user_sku", table_name="inventory")
    create_sku_index()
    op.drop_column("users", "item_count")
    op.drop_column("users", "history_count")


def create_sku_index() -> None:
    op.create_index(
        "uq_inventory_team_sku",
        "inventory",
        ["team_id", sa.text("lower(sku)")],
        unique=True,
    )


def rebuild_sqlite_tables(bind) -> None:
    """Rebuild the tables whose columns change, as SQLite needs (see 7e3a9c5d2b14)."""
    with op.get_context().autocommit_block():
        op.execute("PRAGMA foreign_keys=OFF")
    try:
        # Batch mode copies the rows into a new table, which would restart
        # the AUTOINCREMENT counters at the largest id left: keep them.
        counters = dict(
            bind.execute(sa.text("SELECT name, seq FROM sqlite_sequence")).all()
        )
        # Expression indexes do not survive a rebuild: dropped and made again.
        op.drop_index("uq_inventory_user_sku", table_name="inventory")
        op.drop_index("uq_users_username_lower", table_name="users")
        op.drop_index("uq_users_email_lower", table_name="users")
        for table in (*TEAM_OWNED, *CATALOGS):
            with op.batch_alter_table(
                table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
            ) as batch:
                new_constraints(batch, table)
        with op.batch_alter_table(
            "users", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            batch.drop_column("item_count")
            batch.drop_column("history_count")
        create_sku_index()
        op.create_index(
            "uq_users_username_lower",
            "users",
            [sa.text("lower(username)")],
            unique=True,
        )
        op.create_index(
            "uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True
        )
        for name, seq in counters.items():
            now = bind.execute(
                sa.text("SELECT seq FROM sqlite_sequence WHERE name = :t"), {"t": name}
            ).scalar()
            bind.execute(
                sa.text("DELETE FROM sqlite_sequence WHERE name = :t"), {"t": name}
            )
            bind.execute(
                sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES (:t, :seq)"),
                {"t": name, "seq": max(now or 0, seq)},
            )
        problems = bind.execute(sa.text("PRAGMA foreign_key_check")).all()
        if problems:
            raise RuntimeError(f"Foreign keys broken by the rebuild: {problems}")
    finally:
        with op.get_context().autocommit_block():
            op.execute("PRAGMA foreign_keys=ON")


def downgrade():
    raise RuntimeError(
        "Downgrading past teams (a5c8e1f3d920) is not supported: it would have to"
        " merge every team's categories and suppliers back into one list and"
        " forget which team owns what. Restore a backup taken before the upgrade."
    )
