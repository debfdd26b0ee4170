"""Demo data for ``flask seed-demo``: a small shop, its owner, a clerk and a
read-only member, with two months of history."""

import itertools
import random
from datetime import datetime, timedelta

from flask import g
from sqlalchemy.engine import Row

from columns import utcnow
from domain.accounts import find_user_by_email, find_user_by_username, open_account
from domain.history import record_history, record_member_history
from domain.item_edits import add_item
from domain.members import add_member, member_row
from domain.stock import move_stock
from extensions import db
from models import Category, Supplier, User

DEMO_USERNAME = "demo"
DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-pass-1"
DEMO_TEAM = "Demo shop"
# The shop's people besides its owner: a clerk, who records the sales and
# deliveries, and a read-only staff member (say, the accountant).
DEMO_CLERK_USERNAME = "demo-clerk"
DEMO_CLERK_EMAIL = "demo-clerk@example.com"
DEMO_STAFF_USERNAME = "demo-staff"
DEMO_STAFF_EMAIL = "demo-staff@example.com"
# Who logs in as what, for the command's answer: (username, team role).
DEMO_LOGINS = (
    (DEMO_USERNAME, "admin"),
    (DEMO_CLERK_USERNAME, "clerk"),
    (DEMO_STAFF_USERNAME, "staff"),
)

CATEGORIES = {
    "Electronics": "Gadgets, cables and chargers",
    "Office": "Paper, pens and desk supplies",
    "Kitchen": "Cookware and utensils",
    "Tools": "Hand and power tools",
    "Outdoor": "Camping and garden gear",
}

SUPPLIERS = [
    ("Acme Distribution", "Ann Smith", "orders@acme.example", "+1 555 0100"),
    ("Northwind Traders", "Bo Chen", "sales@northwind.example", "+44 20 7946 0000"),
    ("Globex Supply", "Cy Patel", "hello@globex.example", "+61 2 9876 5432"),
    ("Initech Wholesale", "Di Rossi", "b2b@initech.example", "+39 06 1234 5678"),
]

# name, category, supplier index, price, cost, reorder level, tags, specifications
ITEMS = [
    ("USB-C charger 65W", "Electronics", 0, 39.99, 21.50, 10, ["charger", "usb-c"], {"watts": 65}),
    ("HDMI cable 2m", "Electronics", 0, 12.49, 4.10, 20, ["cable"], {"length_m": 2}),
    ("Wireless mouse", "Electronics", 2, 24.90, 11.00, 8, ["mouse", "wireless"], {"dpi": 1600}),
    ("Mechanical keyboard", "Electronics", 2, 89.00, 52.00, 5, ["keyboard"], {"switches": "brown"}),
    ("Noise-cancelling headphones", "Electronics", 1, 199.00, 120.00, 3, ["audio"], {"battery_h": 30}),
    ("A4 paper, 500 sheets", "Office", 3, 6.99, 3.20, 40, ["paper"], {"gsm": 80}),
    ("AA batteries, 8 pack", "Office", 3, 8.49, 2.90, 25, ["batteries"], {"type": "alkaline"}),
    ("Stapler", "Office", 1, 14.99, 6.50, 6, ["desk"], {"capacity_sheets": 25}),
    ("Desk lamp LED", "Office", 2, 34.00, 17.80, 4, ["lighting", "desk"], {"lumens": 450}),
    ("Cast iron skillet 26cm", "Kitchen", 1, 44.95, 22.00, 4, ["cookware"], {"diameter_cm": 26}),
    ("Chef's knife 20cm", "Kitchen", 1, 59.00, 27.50, 5, ["knives"], {"steel": "VG-10"}),
    ("Ground coffee 1kg", "Kitchen", 3, 19.99, 7.40, 10, ["coffee"], {"roast": "medium"}),
    ("Coffee grinder", "Kitchen", 2, 64.50, 38.00, 3, ["coffee"], {"burr": "conical"}),
    ("Cordless drill 18V", "Tools", 0, 129.00, 78.00, 3, ["power-tools"], {"volts": 18}),
    ("Claw hammer", "Tools", 0, 18.75, 7.90, 8, ["hand-tools"], {"weight_g": 450}),
    ("Screwdriver set, 12 pcs", "Tools", 3, 27.30, 11.20, 6, ["hand-tools"], {"pieces": 12}),
    ("Tape measure 5m", "Tools", 3, 9.95, 3.60, 12, ["measuring"], {"length_m": 5}),
    ("Two-person tent", "Outdoor", 1, 149.00, 88.00, 2, ["camping"], {"weight_kg": 2.4}),
    ("Sleeping bag -5C", "Outdoor", 1, 79.00, 41.00, 3, ["camping"], {"comfort_c": -5}),
    ("Garden hose 25m", "Outdoor", 2, 32.50, 14.00, 5, ["garden"], {"length_m": 25}),
    ("Headlamp 300lm", "Outdoor", 0, 22.00, 9.50, 10, ["lighting", "camping"], {"lumens": 300}),
]  # fmt: skip
# Perishable stock: days from today to the item's expiry date.
EXPIRES_IN_DAYS = {"Ground coffee 1kg": 20, "AA batteries, 8 pack": 700}


class DemoExistsError(Exception):
    """The demo user is already there."""


def seed_demo(password: str = DEMO_PASSWORD, seed: int = 2026) -> User:
    """Create the demo shop: its owner, a clerk and a read-only member, a
    catalog, items and two months of stock movements (the sales by the clerk).

    The story is consistent in time, as if it had happened through the API:
    the account first, then the catalog, then each item, then its stock
    movements; every entity's ``created_at`` is its create history row's time,
    and its ``updated_at`` that of its last change.
    """
    for username, email in (
        (DEMO_USERNAME, DEMO_EMAIL),
        (DEMO_CLERK_USERNAME, DEMO_CLERK_EMAIL),
        (DEMO_STAFF_USERNAME, DEMO_STAFF_EMAIL),
    ):
        if find_user_by_username(username) or find_user_by_email(email):
            raise DemoExistsError(f"A user named {username} already exists.")
    rng = random.Random(seed)
    now = utcnow()
    opened = now - timedelta(days=61)
    demo, team = open_account(DEMO_USERNAME, DEMO_EMAIL, password, at=opened)
    team.name = DEMO_TEAM
    # Everything below happens in the shop's team, done by its owner.
    g.user_id, g.team_id = demo.id, team.id
    hired = opened + timedelta(hours=2)
    clerk = _hire(team, DEMO_CLERK_USERNAME, DEMO_CLERK_EMAIL, "clerk", password, hired)
    _hire(team, DEMO_STAFF_USERNAME, DEMO_STAFF_EMAIL, "staff", password, hired)

    # The catalog is filled in on the first day, a minute per entry.
    catalog_times = (opened + timedelta(minutes=m) for m in itertools.count(1))
    categories = {
        name: _catalog_entry(
            Category,
            demo,
            next(catalog_times),
            name=name,
            description=text,
        )
        for name, text in CATEGORIES.items()
    }
    suppliers = [
        _catalog_entry(
            Supplier,
            demo,
            next(catalog_times),
            name=name,
            contact_name=contact,
            email=email,
            phone=phone,
        )
        for name, contact, email, phone in SUPPLIERS
    ]
    for number, (
        name,
        category,
        supplier,
        price,
        cost,
        reorder,
        tags,
        specs,
    ) in enumerate(ITEMS):
        created = now - timedelta(days=60) + timedelta(minutes=number)
        fields = {
            "item_name": name,
            "sku": f"{category[:3].upper()}-{number + 1:03d}",
            "description": f"{name} from {suppliers[supplier].name}.",
            "quantity": 0,
            "price": price,
            "cost_price": cost,
            "reorder_level": reorder,
            "category_id": categories[category].id,
            "supplier_id": suppliers[supplier].id,
            "metadata": {"tags": tags, "specifications": specs},
        }
        if name in EXPIRES_IN_DAYS:
            fields["expiry_date"] = (now + timedelta(days=EXPIRES_IN_DAYS[name])).date()
        item = add_item(fields, at=created)  # with its history row
        _simulate_trading(item, rng, now, demo.id, clerk.id)
    db.session.commit()
    return demo


def _hire(team, username: str, email: str, role: str, password: str, at) -> User:
    """Open an account and add it to the shop with ``role``, as its owner would."""
    user, _ = open_account(username, email, password, at=at)
    add_member(team, user, role, at=at)
    member = member_row(team.id, user.id)
    record_member_history(g.user_id, "create", member, details={"role": role}, at=at)
    return user


def _catalog_entry(model, demo: User, created: datetime, **fields):
    entry = model(**fields, team_id=g.team_id, created_at=created, updated_at=created)
    db.session.add(entry)
    db.session.flush()
    record_history(demo.id, "create", entry, at=created)
    return entry


def _simulate_trading(
    item: Row, rng: random.Random, now, owner_id: int, clerk_id: int
) -> None:
    """A first delivery, then sales and a restock or two, oldest first.

    The owner takes the deliveries; the clerk records the sales.
    """
    # The first delivery arrives within hours of the item's creation; the rest
    # happen during some later day (at most ten hours into it, so none is in
    # the future).
    delivered = item.created_at + timedelta(minutes=rng.randint(5, 600))
    events = [(delivered, "purchase", rng.randint(15, 60))]

    def during(days_ago: int) -> datetime:
        return now - timedelta(days=days_ago) + timedelta(minutes=rng.randint(0, 600))

    for _ in range(rng.randint(4, 12)):
        events.append((during(rng.randint(1, 55)), "sale", -rng.randint(1, 6)))
    if rng.random() < 0.5:
        events.append((during(rng.randint(10, 40)), "purchase", rng.randint(10, 30)))
    for when, reason, change in sorted(events):
        change = max(change, -item.quantity)  # never sell what is not there
        if change == 0:
            continue
        g.user_id = clerk_id if reason == "sale" else owner_id
        item, _ = move_stock(item.id, change, reason, "Demo data", None, when)
    g.user_id = owner_id
