"""The Core statements on items, tags and ledger rows: built once, run by item_store.

Built at import (an edit's UPDATE once per set of columns it writes), because
a statement built per request costs SQLAlchemy a cache key each time; every
value is a bound parameter item_store fills in.
"""

import functools
from typing import Any

from sqlalchemy import (
    Update,
    bindparam,
    delete,
    exists,
    func,
    insert,
    literal_column,
    select,
    update,
)

from field_types import MAX_AMOUNT, STOCK_ROLES
from models import (
    Category,
    Item,
    ItemTag,
    Membership,
    StockMovement,
    Supplier,
    Team,
    User,
)
from plumbing.pagination import inline_number

items = Item.__table__
item_tags = ItemTag.__table__
movements = StockMovement.__table__
users = User.__table__
teams = Team.__table__
memberships = Membership.__table__

# Whether the caller (user_id) belongs to the team (team_id). The hottest reads
# carry it in their own WHERE: no second round trip to check membership.
CALLER_IS_MEMBER = exists().where(
    memberships.c.team_id == bindparam("team"),
    memberships.c.user_id == bindparam("caller"),
)
# Whether the caller is an admin of the team. Every write to an item carries
# it in its WHERE, so a staff member's write matches no row: no separate
# question to the database before a write (item_edits.why_not_changed then
# says why nothing matched: 404, 403, 412 or 409).
CALLER_IS_TEAM_ADMIN = exists().where(
    memberships.c.team_id == bindparam("team"),
    memberships.c.user_id == bindparam("caller"),
    memberships.c.role == "admin",
)
# Whether the caller may record stock movements (a clerk or an admin). The
# stock view checks it first (routes/stock.py); its UPDATE carries it too, so
# a role changed in between cannot slip through.
CALLER_MAY_MOVE_STOCK = exists().where(
    memberships.c.team_id == bindparam("team"),
    memberships.c.user_id == bindparam("caller"),
    memberships.c.role.in_(STOCK_ROLES),
)


def _name_of(catalog, inserted: bool = False) -> Any:
    # The referenced entry's name, looked up in the same statement. Correlated
    # explicitly, so it also works in an UPDATE's RETURNING clause.
    column = f"{catalog.history_type}_id"
    foreign_key = (
        literal_column(f"{items.name}.{column}") if inserted else items.c[column]
    )
    return (
        select(catalog.name)
        .where(catalog.id == foreign_key)
        .correlate(items)
        .scalar_subquery()
        .label(f"{catalog.history_type}_name")
    )


# Everything an item's view shows, under Item's attribute names ("metadata_"
# for the metadata column: see models.Item). The search key only serves
# searches (see columns.Searchable).
ITEM_COLUMNS = (
    *(column for column in items.c if column.name not in ("metadata", "search_key")),
    items.c.metadata.label("metadata_"),
    _name_of(Category),
    _name_of(Supplier),
)

SELECT_ITEM = select(*ITEM_COLUMNS).where(
    items.c.id == bindparam("item_id"),
    items.c.team_id == bindparam("team"),
    CALLER_IS_MEMBER,
)
# The team's items with any of these SKUs (lowercase), and whether another of
# its items has this one: SKUs are unique in a team, ignoring case.
SELECT_BY_SKUS = select(*ITEM_COLUMNS).where(
    items.c.team_id == bindparam("team"),
    func.lower(items.c.sku).in_(bindparam("skus", expanding=True)),
)
SKU_IN_USE = (
    select(items.c.id)
    .where(
        items.c.team_id == bindparam("team"),
        func.lower(items.c.sku) == bindparam("sku"),
        items.c.id != bindparam("item_id"),
    )
    .limit(inline_number(1))
)
# What a refused conditional UPDATE is explained from (see item_edits).
SELECT_STATE = select(items.c.team_id, items.c.version, items.c.quantity).where(
    items.c.id == bindparam("item_id")
)
# Returns the new item whole, names of its catalog entries included: an
# INSERT's RETURNING cannot correlate a subquery to the table (SQLAlchemy
# would add it to the subquery's FROM), so they name the new row's column.
INSERT_ITEM = insert(items).returning(
    *ITEM_COLUMNS[:-2],
    _name_of(Category, inserted=True),
    _name_of(Supplier, inserted=True),
)


@functools.cache
def write_item(columns: tuple[str, ...]) -> Update:
    """Build (once per set of columns) the UPDATE writing ``columns`` of an item.

    An edit writes only the columns it changes: every column written costs
    the indexes that contain it, and a stock total's column fires the totals
    trigger, even when its value stays the same. The caller holds the row's
    lock (item_edits.lock_item).
    """
    return (
        update(items)
        .where(items.c.id == bindparam("item_id"))
        .values({column: bindparam(f"new_{column}") for column in columns})
        .returning(*ITEM_COLUMNS)
    )


DELETE_ITEM = delete(items).where(items.c.id == bindparam("item_id"))
# The team's item count (teams.item_count), changed in the same transaction,
# by its admins only: a create runs it first, as its permission check.
COUNT_ITEMS = (
    update(teams)
    .where(teams.c.id == bindparam("team"), CALLER_IS_TEAM_ADMIN)
    .values(item_count=teams.c.item_count + bindparam("delta"))
)
DELETE_TAGS = delete(item_tags).where(item_tags.c.item_id == bindparam("item_id"))
INSERT_TAG = insert(item_tags)
# LOCK_ITEM bumps the version and so takes the row's lock (LOCK_FOR_COUNT: the
# same for a clerk's count); MOVE_STOCK applies a signed change only if the
# result stays within 0..MAX_AMOUNT, at a time the caller gives (seed-demo
# writes the past). All return the item as it now is.
LOCK_ITEM, LOCK_FOR_COUNT = (
    update(items)
    .where(
        items.c.id == bindparam("item_id"),
        items.c.team_id == bindparam("team"),
        may_write,
    )
    .values(version=items.c.version + 1)
    .returning(*ITEM_COLUMNS)
    for may_write in (CALLER_IS_TEAM_ADMIN, CALLER_MAY_MOVE_STOCK)
)
MOVE_STOCK = (
    update(items)
    .where(
        items.c.id == bindparam("item_id"),
        items.c.team_id == bindparam("team"),
        CALLER_MAY_MOVE_STOCK,
        (items.c.quantity + bindparam("change")).between(0, MAX_AMOUNT),
    )
    .values(
        quantity=items.c.quantity + bindparam("change"),
        version=items.c.version + 1,
        updated_at=bindparam("now"),
    )
    .returning(*ITEM_COLUMNS)
)
SET_QUANTITY = (
    update(items)
    .where(items.c.id == bindparam("item_id"))
    .values(quantity=bindparam("new_quantity"))
    .returning(*ITEM_COLUMNS)
)
INSERT_MOVEMENT = insert(movements).returning(*movements.c)

SORT_COLUMNS = {
    "item_name": items.c.item_name,
    "quantity": items.c.quantity,
    "price": items.c.price_cents,
    "created_at": items.c.created_at,
    "updated_at": items.c.updated_at,
}
# Each item's owner, for an admin listing everyone's items.
OWNER_NAME = (
    select(users.c.username)
    .where(users.c.id == items.c.user_id)
    .correlate(items)
    .scalar_subquery()
    .label("owner_username")
)
# Each item's team, for the same listing.
TEAM_NAME = (
    select(teams.c.name)
    .where(teams.c.id == items.c.team_id)
    .correlate(items)
    .scalar_subquery()
    .label("team_name")
)
# How many items the team has (teams.item_count): no COUNT(*) for a full list.
# No row: the caller is not a member.
SELECT_ITEM_COUNT = select(teams.c.item_count).where(
    teams.c.id == bindparam("team"), CALLER_IS_MEMBER
)

# Whether the ledger holds: the quantity, the starting quantity and the sum of
# every movement, read in one statement so all three come from the same moment.
VERIFY_LEDGER = select(
    items.c.quantity,
    items.c.starting_quantity,
    select(func.coalesce(func.sum(movements.c.change), 0))
    .where(movements.c.item_id == items.c.id)
    .scalar_subquery(),
).where(items.c.id == bindparam("item_id"))
# How many items use a category or supplier (always all in its team).
ITEMS_USING = {
    column: select(func.count()).where(items.c[column] == bindparam("entry_id"))
    for column in ("category_id", "supplier_id")
}
