"""PostgreSQL plans a read that a connection runs again once, not every time.

psycopg prepares a statement that a connection runs more than five times.
PostgreSQL then tries plans made for the values at hand (custom plans) five
times, and from then on uses one plan made for any values (the generic
plan), unless that plan looks costlier. A LIMIT or OFFSET sent as a parameter makes it
look so: the generic plan must assume that a tenth of the rows are wanted.
Past a few hundred rows PostgreSQL then planned every execution anew, and at
10 000 items planning cost the home page more than running its statements
(docs/BENCHMARKS.md). So LIMIT and OFFSET are written into the SQL as
numbers (plumbing.pagination.inline_number).
"""

import pytest
from sqlalchemy import text

from tests.helpers import TEST_DATABASE_URL, AuthActions, app_with_schema, import_csv

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"
)

PAGES = [
    "/inventory?page=1&per_page=1",
    "/inventory?page=2&per_page=3&sort=-quantity",
    "/history?page=1&per_page=1",
    "/app/",
    "/app/items?per_page=1",
]


@pytest.fixture
def pooled_app(app_config):
    """An app on PostgreSQL with real connection pools (the suite uses none)."""
    yield from app_with_schema(app_config | {"SQLALCHEMY_ENGINE_OPTIONS": {}})


def test_a_read_asked_again_is_not_planned_again(pooled_app):
    client = pooled_app.test_client()
    AuthActions(client).register_and_login()
    # Enough rows that a plan for a tenth of them looks costly.
    rows = "item_name,quantity,price,reorder_level,expiry_date\n" + "".join(
        f"Item {n},{n % 7},1.50,3,2027-01-{1 + n % 28:02d}\n" for n in range(2000)
    )
    assert import_csv(client, rows).status_code == 200
    with pooled_app.app_context():
        engine = pooled_app.extensions["read_only_engine"]
    with engine.connect() as connection:
        # The team's history grows by a row per change: 10 000, in bulk here.
        connection.execute(
            text(
                "INSERT INTO history (team_id, user_id, action_type, entity_type,"
                " entity_id, entity_name, timestamp)"
                " SELECT team_id, user_id, 'stock', 'item', id, item_name, updated_at"
                " FROM inventory, generate_series(1, 5)"
            )
        )
        connection.execute(text("ANALYZE"))  # as autovacuum would, soon
    for page in PAGES:
        for _ in range(20):
            assert client.get(page).status_code == 200
    # Requests one after another take turns with one pooled connection.
    assert engine.pool.checkedin() == 1
    with engine.connect() as connection:
        prepared = connection.execute(
            text(
                "SELECT statement, generic_plans, custom_plans"
                " FROM pg_prepared_statements"
            )
        ).all()
    # The pages' statements, each run at least 20 times (prepared from the
    # sixth).
    assert len(prepared) >= len(PAGES)
    # Five custom plans while PostgreSQL compares, then the generic one.
    replanned = [
        (statement[:80], custom_plans)
        for statement, generic_plans, custom_plans in prepared
        if custom_plans > 5 or generic_plans == 0
    ]
    assert replanned == []
