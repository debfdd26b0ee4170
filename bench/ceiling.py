"""The benchmark's ceiling for writes: a stock movement with nothing around it.

``POST /inventory/<id>/stock`` here runs the same durable transaction as the
API's stock movement (the same four statements, the same SQLite settings and
writer queue, ``synchronous=FULL``) and none of the API's per-request work: no
login session, no validation, no hooks, no log line, no idempotency. ``CEILING_DRIVER``
picks how the statements run:

* ``sqlalchemy``: the API's own function (``stock.move_stock``, which
  writes the ledger and history rows too) on its session, as the API runs it;
* ``sqlite3``: the same SQL written out and run on the sqlite3 driver directly.

``make bench`` measures the ``sqlalchemy`` variant at each size and reports
every write of the API as a ratio to it: the write target is set against what
the stack itself reaches on the machine at hand (docs/BENCHMARKS.md).
``make bench-ceiling`` (``python -m bench.run ceiling``) measures both variants
next to the API's stock movement, in well under a minute.
"""

import fcntl
import os
import sqlite3
from datetime import datetime, timezone

from flask import Flask, g, request

from domain.item_fields import item_to_dict
from domain.stock import move_stock, movement_view
from extensions import db
from plumbing import database

DATABASE_FILE = os.environ["CEILING_DATABASE"]
DRIVER = os.environ.get("CEILING_DRIVER", "sqlalchemy")
LOCK_FILE = DATABASE_FILE + ".write-lock"

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{DATABASE_FILE}"
app.config["SQLITE_BUSY_TIMEOUT_MS"] = 5000
database.init_database(app)  # the API's engine, pragmas and writer queue


@app.get("/item")
def ready():
    """Answer the bench's readiness probe."""
    return {"status": "successful"}


@app.post("/inventory/<int:item_id>/stock")
def change_stock(item_id: int):
    """Apply the movement in one durable transaction; answer like the API."""
    change = request.get_json()["change"]
    if DRIVER == "sqlite3":
        return move_with_driver(item_id, change)
    return move_with_sqlalchemy(item_id, change)


def move_with_sqlalchemy(item_id: int, change: int):
    # The API's own functions, on the API's session: its transaction exactly.
    g.user_id, g.team_id = OWNER_ID, TEAM_ID
    item, movement = move_stock(item_id, change, "adjustment", None, None)
    db.session.commit()
    return {
        "status": "successful",
        "item": item_to_dict(item),
        "movement": movement_view(movement),
    }


def move_with_driver(item_id: int, change: int):
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    lock = os.open(LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)  # the same writer queue as the API's
    try:
        with DRIVER_CONNECTION:  # BEGIN ... COMMIT
            item_name, quantity, version = DRIVER_CONNECTION.execute(
                "UPDATE inventory SET quantity = quantity + ?, version = version + 1,"
                " updated_at = ? WHERE id = ? AND team_id = ?"
                " AND quantity + ? BETWEEN 0 AND 1000000"
                " RETURNING item_name, quantity, version",
                (change, now, item_id, TEAM_ID, change),
            ).fetchone()
            (movement_id,) = DRIVER_CONNECTION.execute(
                "INSERT INTO stock_movements (item_id, user_id, change, reason,"
                " quantity_before, quantity_after, created_at)"
                " VALUES (?, ?, ?, 'adjustment', ?, ?, ?) RETURNING id",
                (item_id, OWNER_ID, change, quantity - change, quantity, now),
            ).fetchone()
            DRIVER_CONNECTION.execute(
                "INSERT INTO history (team_id, user_id, action_type, entity_type,"
                " entity_id, entity_name, changes, details, timestamp)"
                " VALUES (?, ?, 'stock', 'item', ?, ?, json(?), json(?), ?)",
                (
                    TEAM_ID,
                    OWNER_ID,
                    item_id,
                    item_name,
                    f'{{"quantity": [{quantity - change}, {quantity}]}}',
                    f'{{"reason": "adjustment", "note": null, "change": {change}}}',
                    now,
                ),
            )
    finally:
        os.close(lock)
    return {
        "status": "successful",
        "item": {
            "id": item_id,
            "item_name": item_name,
            "quantity": quantity,
            "version": version,
        },
        "movement": {"id": movement_id, "change": change},
    }


def _open_driver_connection() -> sqlite3.Connection:
    # One connection per worker process, with the pragmas the API's engine sets.
    connection = sqlite3.connect(DATABASE_FILE, check_same_thread=False)
    database.sqlite_pragmas(busy_timeout_ms=5000)(connection, None)
    return connection


DRIVER_CONNECTION = _open_driver_connection() if DRIVER == "sqlite3" else None
# The seeded bench user created every item, in their personal team.
with app.app_context():
    OWNER_ID, TEAM_ID = db.session.execute(
        db.text(
            "SELECT users.id, memberships.team_id FROM users JOIN memberships"
            " ON memberships.user_id = users.id WHERE username = 'bench'"
        )
    ).one()
    db.session.remove()
