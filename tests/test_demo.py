"""flask seed-demo: a living system in one command."""

import re

from sqlalchemy import select

from columns import utcnow
from domain.demo_data import DEMO_PASSWORD, DEMO_STAFF_USERNAME, DEMO_TEAM
from extensions import db
from field_types import TEAM_ROLE_DESCRIPTIONS
from models import Category, History, Item, Membership, StockMovement, Supplier, User
from tests.helpers import AuthActions


def test_seed_demo_creates_a_consistent_living_system(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo" in result.output
    client = app.test_client()
    assert AuthActions(client).login("demo", DEMO_PASSWORD).status_code == 200

    listed = client.get("/inventory?per_page=100").get_json()
    items = listed["items"]
    assert len(items) == 21 == listed["pagination"]["total"]
    assert all(
        item["category_name"] and item["supplier_name"] and item["sku"]
        for item in items
    )
    assert client.get("/categories").get_json()["pagination"]["total"] == 5
    assert client.get("/suppliers").get_json()["pagination"]["total"] == 4
    for item in items:
        ledger = client.get(f"/inventory/{item['id']}/movements?verify=true").get_json()
        assert ledger["verification"]["holds"] is True
        assert ledger["pagination"]["total"] >= 1
    alerts = client.get("/alerts/low-stock").get_json()["alerts"]
    assert alerts, "some demo items should need reordering"
    assert any(alert["sold_last_30_days"] > 0 for alert in alerts)
    relative = {
        row["relative_time"]
        for row in client.get("/history?per_page=100").get_json()["history"]
    }
    assert any(text.endswith("days ago") for text in relative)
    expiring = client.get("/alerts/expiring").get_json()["items"]
    assert [item["item_name"] for item in expiring] == ["Ground coffee 1kg"]

    # The shop's employee is its staff: reads everything, changes nothing.
    team = client.get("/me").get_json()["team"]
    assert (team["name"], team["role"]) == (DEMO_TEAM, "admin")
    staff = app.test_client()
    assert (
        AuthActions(staff).login(DEMO_STAFF_USERNAME, DEMO_PASSWORD).status_code == 200
    )
    shop = {"X-Team-ID": str(team["id"])}
    listed = staff.get("/inventory?per_page=100", headers=shop).get_json()
    assert listed["pagination"]["total"] == 21
    refused = staff.post(
        "/inventory", json={"item_name": "x", "quantity": 1, "price": 1}, headers=shop
    )
    assert refused.status_code == 403


def test_seed_demo_refuses_twice_and_in_production(app, app_config):
    from app import create_app

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already exists" in again.output
    production = create_app(
        app_config | {"APP_ENV": "production", "SECRET_KEY": "k" * 32}
    )
    refused = production.test_cli_runner().invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "production" in refused.output


def test_seed_demo_is_consistent_in_time(app):
    """Nothing happens before what it happens to exists, and the dates agree."""
    assert app.test_cli_runner().invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        seeded_at = utcnow()
        demo, clerk, staff = db.session.scalars(select(User).order_by(User.id)).all()
        memberships = {
            membership.user_id: membership
            for membership in db.session.scalars(
                select(Membership).where(Membership.role.in_(("clerk", "staff")))
            )
        }
        entities = {
            ("user", demo.id): demo,
            ("user", clerk.id): clerk,
            ("user", staff.id): staff,
            **{("item", e.id): e for e in db.session.scalars(select(Item))},
            **{("category", e.id): e for e in db.session.scalars(select(Category))},
            **{("supplier", e.id): e for e in db.session.scalars(select(Supplier))},
        }
        history = db.session.scalars(select(History).order_by(History.id)).all()
        movements = db.session.scalars(
            select(StockMovement).order_by(StockMovement.id)
        ).all()

    # Every entity's creation is in the history, at exactly its created_at.
    # The clerk and the staff member joined the shop once each, recorded when
    # it happened.
    joined = [row for row in history if row.entity_type == "member"]
    assert {row.entity_id: row.timestamp for row in joined} == {
        user_id: membership.joined_at for user_id, membership in memberships.items()
    }
    assert {memberships[clerk.id].role, memberships[staff.id].role} == {
        "clerk",
        "staff",
    }
    assert memberships[clerk.id].role == "clerk"
    history = [row for row in history if row.entity_type != "member"]
    created = {
        (row.entity_type, row.entity_id): row.timestamp
        for row in history
        if row.action_type in ("create", "register")
    }
    assert created.keys() == entities.keys()
    for key, entity in entities.items():
        assert created[key] == entity.created_at, key
    # Every history row lies within its entity's life so far, after the
    # account that wrote it existed.
    for row in history:
        entity = entities[(row.entity_type, row.entity_id)]
        latest = getattr(entity, "updated_at", seeded_at)
        assert entity.created_at <= row.timestamp <= latest, row.id
        assert demo.created_at <= row.timestamp <= seeded_at
    # An item is created after its category and supplier, and stocked after
    # it is created; each ledger reads oldest first.
    for key, item in entities.items():
        if key[0] == "item":
            category = entities[("category", item.category_id)]
            supplier = entities[("supplier", item.supplier_id)]
            assert category.created_at <= item.created_at
            assert supplier.created_at <= item.created_at
    last_seen = {}
    for movement in movements:
        item = entities[("item", movement.item_id)]
        assert item.created_at <= movement.created_at <= item.updated_at
        assert movement.created_at >= last_seen.get(movement.item_id, item.created_at)
        last_seen[movement.item_id] = movement.created_at


def test_seed_demo_makes_an_owner_a_clerk_and_a_read_only_member(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    # Each login is printed, with what it may do.
    assert f"password {DEMO_PASSWORD!r}" in result.output
    for username, role in (("demo", "admin"), ("demo-clerk", "clerk"),
                           ("demo-staff", "staff")):  # fmt: skip
        line = rf"^  {username} +{role}: {re.escape(TEAM_ROLE_DESCRIPTIONS[role])}$"
        assert re.search(line, result.output, re.M), result.output
    people = {}
    for username in ("demo", "demo-clerk", "demo-staff"):
        people[username] = app.test_client()
        login = AuthActions(people[username]).login(username, DEMO_PASSWORD)
        assert login.status_code == 200
    owner = people["demo"]
    team = owner.get("/me").get_json()["team"]
    assert team["name"] == DEMO_TEAM
    roles = {
        member["username"]: member["role"]
        for member in owner.get(f"/teams/{team['id']}").get_json()["members"]
    }
    assert roles == {"demo": "admin", "demo-clerk": "clerk", "demo-staff": "staff"}
    shop = {"X-Team-ID": str(team["id"])}
    item = owner.get("/inventory?per_page=1").get_json()["items"][0]
    sale = {"reason": "sale", "change": -1}
    path = f"/inventory/{item['id']}/stock"
    assert people["demo-clerk"].post(path, json=sale, headers=shop).status_code == 200
    assert people["demo-staff"].post(path, json=sale, headers=shop).status_code == 403
    price = people["demo-clerk"].patch(
        f"/inventory/{item['id']}", json={"price": 1}, headers=shop
    )
    assert price.status_code == 403
    # The clerk recorded the shop's sales.
    sales = owner.get("/history?action_type=stock&per_page=100").get_json()["history"]
    sellers = {row["username"] for row in sales if row["details"]["reason"] == "sale"}
    assert sellers == {"demo-clerk"}
