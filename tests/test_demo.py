"""flask seed-demo: a living system in one command."""

from sqlalchemy import select

from columns import utcnow
from domain.demo_data import DEMO_PASSWORD, DEMO_STAFF_USERNAME, DEMO_TEAM
from extensions import db
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
        demo, staff = db.session.scalars(select(User).order_by(User.id)).all()
        (membership,) = db.session.scalars(
            select(Membership).where(
                Membership.user_id == staff.id, Membership.role == "staff"
            )
        ).all()
        entities = {
            ("user", demo.id): demo,
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
    # The staff member joined the shop once, recorded when it happened.
    (joined,) = [row for row in history if row.entity_type == "member"]
    assert (joined.entity_id, joined.timestamp) == (staff.id, membership.joined_at)
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
