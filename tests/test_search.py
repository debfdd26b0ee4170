"""Finding items: filters, sorting and their combinations; indexes at 100 000 items."""

import pytest
from sqlalchemy import insert, text

from columns import utcnow
from domain.item_queries import find_items
from extensions import db
from models import Item, ItemTag, Team, User
from plumbing.database import dispose_engines
from query_strings import InventoryQuery
from tests.helpers import make_category, make_supplier


@pytest.fixture
def shelf(logged_in, make_item):
    """Five items with varied fields, owned by alice."""
    tools = make_category(logged_in, "Tools")["id"]
    paint = make_category(logged_in, "Paint")["id"]
    acme = make_supplier(logged_in, "Acme")["id"]
    specs = [
        dict(item_name="Hammer", quantity=2, price=15, reorder_level=5, category_id=tools,
             supplier_id=acme, sku="HAM-1", metadata={"tags": ["steel", "hand"]}),
        dict(item_name="Saw", quantity=10, price=25.5, reorder_level=2, category_id=tools,
             description="A sharp hand saw", metadata={"tags": ["hand"]}),
        dict(item_name="Red paint", quantity=0, price=9.99, reorder_level=0, category_id=paint,
             supplier_id=acme, status="inactive"),
        dict(item_name="Blue paint", quantity=40, price=9.99, category_id=paint, sku="BLU_1"),
        dict(item_name="Drill", quantity=3, price=120, reorder_level=3, description="Cordless"),
    ]  # fmt: skip
    return {
        "items": {spec["item_name"]: make_item(logged_in, **spec) for spec in specs},
        "tools": tools,
        "paint": paint,
        "acme": acme,
    }


def names(client, query: str) -> list[str]:
    response = client.get(f"/inventory?{query}")
    assert response.status_code == 200, response.get_json()
    return [item["item_name"] for item in response.get_json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Hammer", "Saw", "Red paint", "Blue paint", "Drill"]),
        ("q=PAINT", ["Red paint", "Blue paint"]),
        ("q=hand", ["Saw"]),  # description
        ("q=ham-", ["Hammer"]),  # SKU
        ("q=_", ["Blue paint"]),  # "_" is literal, not a wildcard
        ("category_id={tools}", ["Hammer", "Saw"]),
        ("supplier_id={acme}", ["Hammer", "Red paint"]),
        ("tag=hand", ["Hammer", "Saw"]),
        ("tag=%20STEEL%20", ["Hammer"]),
        ("tag=missing", []),
        ("status=inactive", ["Red paint"]),
        ("status=active", ["Hammer", "Saw", "Blue paint", "Drill"]),
        ("low_stock=true", ["Hammer", "Red paint", "Drill"]),
        ("low_stock=false", ["Hammer", "Saw", "Red paint", "Blue paint", "Drill"]),
        ("min_quantity=3", ["Saw", "Blue paint", "Drill"]),
        ("max_quantity=2", ["Hammer", "Red paint"]),
        ("min_quantity=2&max_quantity=3", ["Hammer", "Drill"]),
        ("min_price=9.99&max_price=15", ["Hammer", "Red paint", "Blue paint"]),
        ("min_price=100", ["Drill"]),
        ("sort=item_name", ["Blue paint", "Drill", "Hammer", "Red paint", "Saw"]),
        ("sort=-item_name", ["Saw", "Red paint", "Hammer", "Drill", "Blue paint"]),
        ("sort=quantity", ["Red paint", "Hammer", "Drill", "Saw", "Blue paint"]),
        ("sort=-price", ["Drill", "Saw", "Hammer", "Blue paint", "Red paint"]),
        ("sort=price", ["Red paint", "Blue paint", "Hammer", "Saw", "Drill"]),
        ("sort=created_at", ["Hammer", "Saw", "Red paint", "Blue paint", "Drill"]),
        ("sort=-updated_at", ["Drill", "Blue paint", "Red paint", "Saw", "Hammer"]),
        # Combinations.
        ("category_id={tools}&low_stock=true", ["Hammer"]),
        ("q=paint&status=active&sort=-quantity", ["Blue paint"]),
        ("tag=hand&sort=-price", ["Saw", "Hammer"]),
        ("supplier_id={acme}&max_price=10&category_id={paint}", ["Red paint"]),
        ("low_stock=true&sort=-quantity&per_page=2", ["Drill", "Hammer"]),
        ("low_stock=true&sort=-quantity&per_page=2&page=2", ["Red paint"]),
        # An inverted range matches nothing.
        ("min_quantity=5&max_quantity=1", []),
        ("min_price=50&max_price=10", []),
    ],
)
def test_filters_and_sorting(logged_in, shelf, query, expected):
    assert names(logged_in, query.format(**shelf)) == expected


def test_filters_only_ever_see_the_callers_items(
    logged_in, other_client, shelf, make_item
):
    make_item(other_client, item_name="Bobs paint")
    assert "Bobs paint" not in names(logged_in, "q=paint")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("sort=colour", "sort"),
        ("sort=--price", "sort"),
        ("sort=id", "sort"),
        ("category_id=abc", "category_id"),
        ("supplier_id=0", "supplier_id"),
        ("status=deleted", "status"),
        ("low_stock=maybe", "low_stock"),
        ("min_quantity=-1", "min_quantity"),
        ("max_quantity=1.5", "max_quantity"),
        ("min_price=nan", "min_price"),
        ("max_price=inf", "max_price"),
        ("min_price=abc", "min_price"),
        ("q=", "q"),
        ("tag=", "tag"),
        ("all=perhaps", "all"),
        ("low_stock=yes", "low_stock"),
        ("low_stock=1", "low_stock"),
        ("page=1.0", "page"),
        ("page=%202", "page"),
        ("category_id=%2B1", "category_id"),
    ],
)
def test_bad_filters_are_400(logged_in, query, field):
    response = logged_in.get(f"/inventory?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["message"] == "Invalid query parameters."
    assert body["errors"][0]["field"] == field


def seed_many_items(app, count: int) -> int:
    """Insert ``count`` items for ten users' teams; return one user's id.

    Each user's personal team has the user's id, so that id is also the team's.
    """
    now = utcnow()
    with app.app_context():
        db.session.execute(
            insert(User),
            [
                {
                    "username": f"u{n}",
                    "email": f"u{n}@x.example",
                    "password_hash": "x",
                    "created_at": now,
                }
                for n in range(10)
            ],
        )
        user_ids = [
            row[0]
            for row in db.session.execute(text("SELECT id FROM users ORDER BY id"))
        ]
        db.session.execute(
            insert(Team),
            [{"id": id_, "name": f"team {id_}", "created_at": now} for id_ in user_ids],
        )
        rows = [
            {
                "team_id": user_ids[n % 10],
                "user_id": user_ids[n % 10],
                "item_name": f"Item {n}",
                "quantity": n % 500,
                "price_cents": (n * 37) % 100_000,
                "reorder_level": n % 7,
                "status": "active",
                "details": {},
                "created_at": now,
                "updated_at": now,
            }
            for n in range(count)
        ]
        db.session.execute(insert(Item), rows)
        db.session.execute(
            insert(ItemTag),
            [{"item_id": n, "tag": "bulk"} for n in range(1, count, 50)],
        )
        db.session.commit()
        return user_ids[0]


QUERIES = [
    {},
    {"sort": "item_name"},
    {"sort": "-item_name"},
    {"sort": "quantity"},
    {"sort": "-quantity"},
    {"sort": "price"},
    {"sort": "-price"},
    {"sort": "created_at"},
    {"sort": "-updated_at"},
    {"category_id": "1"},
    {"supplier_id": "1"},
    {"tag": "bulk"},
    {"q": "item 12"},
    {"low_stock": "true"},
    {"status": "active", "min_quantity": "10", "max_quantity": "20"},
    {"min_price": "5", "max_price": "50", "sort": "price"},
    {"tag": "bulk", "sort": "-quantity"},
    {"expires_before": "2030-01-01"},
]


@pytest.fixture(scope="module")
def big_inventory(tmp_path_factory):
    """An app whose database holds 100 000 items, built once for this module."""
    from app import create_app

    folder = tmp_path_factory.mktemp("big")
    app = create_app(
        {
            "APP_ENV": "testing",
            "INSTANCE_PATH": str(folder / "instance"),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'big.db'}",
        }
    )
    with app.app_context():
        db.create_all()
    user_id = seed_many_items(app, 100_000)
    yield app, user_id
    with app.app_context():
        dispose_engines()


def query_plan(app, user_id: int, params: dict) -> list[str]:
    """Return SQLite's plan for the item-list query these parameters produce."""
    from flask import g

    with app.test_request_context():
        g.user_id = g.team_id = user_id  # the user's personal team
        query = InventoryQuery.model_validate(params)
        stmt = find_items(query, everyone=query.all_users).limit(50)
        compiled = stmt.compile(db.engine, compile_kwargs={"literal_binds": True})
        explain = text(f"EXPLAIN QUERY PLAN {compiled}")
        return [row[3] for row in db.session.execute(explain)]


@pytest.mark.parametrize(
    "params",
    QUERIES,
    ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "default",
)
def test_every_list_query_uses_an_index_at_100k_items(big_inventory, params):
    """No query reads the whole inventory table, and sorted pages need no sort step.

    EXPLAIN QUERY PLAN reports "SCAN inventory" for a full-table read and
    "USE TEMP B-TREE FOR ORDER BY" when rows must be sorted after reading.
    """
    plan = query_plan(*big_inventory, params)
    assert not any(step.startswith("SCAN inventory") for step in plan), plan
    assert any(step.startswith("SEARCH inventory USING") for step in plan), plan
    if params.keys() <= {"sort"}:
        assert not any("TEMP B-TREE" in step for step in plan), plan
