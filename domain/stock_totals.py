"""The team's stock at a glance, kept by the database as items change.

The dashboard's home page shows, for a team: its active items, how many are
out of stock or at or below their reorder level, and the stock's value at
cost and at selling price. Counting them on every visit would read every
item, so the home page of a shop with 10 000 items would be slower than one
with 100. Instead the teams row holds the totals (``Team.active_items`` ...)
and database triggers on ``inventory`` keep them in step: every way an item
changes (a create, an edit, a stock movement, a CSV import, a delete, a whole
team deleted) goes through those triggers, in the same transaction, with no
extra round trip, and no code path can forget to update them.

Each item contributes to the totals by its state: active or not, its
quantity, reorder level and prices. A trigger subtracts the row's old
contribution and adds its new one.
"""

from sqlalchemy import event

from models import Item, Team

TOTAL_COLUMNS = (
    "active_items",
    "out_of_stock_items",
    "low_stock_items",
    "value_at_cost_cents",
    "value_at_price_cents",
)


def _contribution(row: str, sign: str, as_int: str) -> str:
    """The SET list adding (``sign`` "+") or removing ("-") one row's share."""
    active = f"{row}.status = 'active'"
    parts = {
        "active_items": f"({active}){as_int}",
        "out_of_stock_items": f"({active} AND {row}.quantity = 0){as_int}",
        "low_stock_items": (
            f"({active} AND {row}.quantity <= {row}.reorder_level){as_int}"
        ),
        "value_at_cost_cents": (
            f"CASE WHEN {active} THEN {row}.quantity"
            f" * COALESCE({row}.cost_price_cents, 0) ELSE 0 END"
        ),
        "value_at_price_cents": (
            f"CASE WHEN {active} THEN {row}.quantity * {row}.price_cents ELSE 0 END"
        ),
    }
    return ", ".join(f"{column} = {column} {sign} {parts[column]}" for column in parts)


# The columns whose change can change the totals: a version bump alone (the
# lock every edit takes first) fires nothing.
WATCHED = "quantity, status, reorder_level, cost_price_cents, price_cents, team_id"


def _sqlite_triggers() -> list[str]:
    def update_team(row: str, sign: str) -> str:
        return (
            f"UPDATE teams SET {_contribution(row, sign, '')} WHERE id = {row}.team_id;"
        )

    return [
        "CREATE TRIGGER inventory_totals_insert AFTER INSERT ON inventory"
        f" BEGIN {update_team('NEW', '+')} END",
        f"CREATE TRIGGER inventory_totals_update AFTER UPDATE OF {WATCHED}"
        f" ON inventory BEGIN {update_team('OLD', '-')} {update_team('NEW', '+')} END",
        "CREATE TRIGGER inventory_totals_delete AFTER DELETE ON inventory"
        f" BEGIN {update_team('OLD', '-')} END",
    ]


def _postgresql_triggers() -> list[str]:
    def update_team(row: str, sign: str) -> str:
        return (
            f"UPDATE teams SET {_contribution(row, sign, '::int')}"
            f" WHERE id = {row}.team_id;"
        )

    return [
        "CREATE FUNCTION inventory_totals() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN"
        f" IF TG_OP IN ('UPDATE', 'DELETE') THEN {update_team('OLD', '-')} END IF;"
        f" IF TG_OP IN ('INSERT', 'UPDATE') THEN {update_team('NEW', '+')} END IF;"
        " RETURN NULL;"
        " END $$",
        f"CREATE TRIGGER inventory_totals AFTER INSERT OR DELETE OR UPDATE OF {WATCHED}"
        " ON inventory FOR EACH ROW EXECUTE FUNCTION inventory_totals()",
    ]


def create_triggers(connection) -> None:
    """Create the triggers on ``connection``'s database (SQLite or PostgreSQL)."""
    if connection.dialect.name == "postgresql":
        statements = _postgresql_triggers()
    else:
        statements = _sqlite_triggers()
    for statement in statements:
        connection.exec_driver_sql(statement)


def drop_triggers(connection) -> None:
    """Remove the triggers (the downgrade of their migration)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("DROP TRIGGER inventory_totals ON inventory")
        connection.exec_driver_sql("DROP FUNCTION inventory_totals()")
    else:
        for name in ("insert", "update", "delete"):
            connection.exec_driver_sql(f"DROP TRIGGER inventory_totals_{name}")


def recount(connection) -> None:
    """Set every team's totals from its items (when the triggers are first made)."""
    for column, expression in {
        "active_items": "count(*) FILTER (WHERE status = 'active')",
        "out_of_stock_items": (
            "count(*) FILTER (WHERE status = 'active' AND quantity = 0)"
        ),
        "low_stock_items": (
            "count(*) FILTER (WHERE status = 'active' AND quantity <= reorder_level)"
        ),
        "value_at_cost_cents": (
            "COALESCE(sum(quantity * COALESCE(cost_price_cents, 0))"
            " FILTER (WHERE status = 'active'), 0)"
        ),
        "value_at_price_cents": (
            "COALESCE(sum(quantity * price_cents) FILTER (WHERE status = 'active'), 0)"
        ),
    }.items():
        connection.exec_driver_sql(
            f"UPDATE teams SET {column} ="
            f" (SELECT {expression} FROM inventory WHERE team_id = teams.id)"
        )


# Tables made by create_all() (tests, a first run without migrations) get the
# triggers too; a migrated database gets them from its migration.
@event.listens_for(Item.__table__, "after_create")
def _create_with_the_table(target, connection, **kwargs) -> None:
    create_triggers(connection)


# The team's count and totals as columns, for a statement to read with others
# (the dashboard's layout reads them with the caller's teams).
TEAM_TOTALS = (Team.item_count, *(getattr(Team, column) for column in TOTAL_COLUMNS))
