"""The benchmark's reference point: the original seed-000 API's item list.

Before this project reworked it, ``GET /inventory`` answered with every one of
the caller's items at once: an ORM query of all of them through
Flask-SQLAlchemy, each turned into a dict of its five bare columns and the
list sent with ``jsonify``, behind a Flask-Session file session. This app
reproduces that one request (and just enough around it for the bench to log in
and seed 100 items over HTTP), so ``make bench BASE=<ref>`` can print the
paginated list next to what the seed served, measured in the same run.

It is a measuring stick, not an example: it hashes no password and validates
nothing, because neither is timed.

``python -m bench.seed_api`` creates its tables in ``SEED_DATABASE`` (run once,
before gunicorn starts its workers); gunicorn serves ``bench.seed_api:app``.
"""

import os
from datetime import datetime, timezone

from cachelib import FileSystemCache
from flask import Flask, jsonify, request, session
from flask_session import Session
from flask_sqlalchemy import SQLAlchemy

DATABASE = os.environ.get("SEED_DATABASE", "seed.db")

app = Flask(__name__)
app.config.update(
    SECRET_KEY="bench",
    SQLALCHEMY_DATABASE_URI=f"sqlite:///{os.path.abspath(DATABASE)}",
    SESSION_TYPE="cachelib",
    SESSION_CACHELIB=FileSystemCache(f"{DATABASE}.sessions", threshold=0),
)
db = SQLAlchemy(app)
Session(app)


class User(db.Model):
    """A user, by name only."""

    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True, nullable=False)


class Inventory(db.Model):
    """One item, in the seed's five columns and its owner."""

    id = db.Column(db.Integer, primary_key=True)
    user_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)
    item_name = db.Column(db.String(100), nullable=False)
    description = db.Column(db.String(200))
    quantity = db.Column(db.Integer, nullable=False)
    price = db.Column(db.Float, nullable=False)


def now() -> str:
    """Return the time as the seed stamped every answer with."""
    return datetime.now(timezone.utc).isoformat()


@app.get("/health")
def health():
    """Answer once the app is up (the bench waits for it)."""
    return {"status": "ok"}


@app.post("/register")
def register():
    """Create a user."""
    db.session.add(User(username=request.json["username"]))
    db.session.commit()
    return {"status": "successful", "message": "User registered successfully!"}, 201


@app.post("/login")
def login():
    """Log the user in by name."""
    user = User.query.filter_by(username=request.json["username"]).first_or_404()
    session["user_id"] = user.id
    return {"status": "successful", "message": "Login successful!"}


@app.post("/inventory")
def create_item():
    """Add an item to the caller's inventory."""
    if "user_id" not in session:
        return {"status": "failed", "message": "Unauthorized"}, 403
    data = request.json
    item = Inventory(
        user_id=session["user_id"],
        item_name=data["item_name"],
        description=data.get("description"),
        quantity=data["quantity"],
        price=data["price"],
    )
    db.session.add(item)
    db.session.commit()
    return {"status": "successful", "item_id": item.id}, 201


@app.get("/inventory")
def list_items():
    """Return every one of the caller's items, as the seed did: no pages."""
    user_id = session.get("user_id")
    if not user_id:
        return {"status": "failed", "message": "Unauthorized"}, 403
    items = Inventory.query.filter_by(user_id=user_id).all()
    return jsonify(
        {
            "status": "successful",
            "message": "Items retrieved successfully!",
            "items": [
                {
                    "id": item.id,
                    "item_name": item.item_name,
                    "description": item.description,
                    "quantity": item.quantity,
                    "price": item.price,
                }
                for item in items
            ],
            "timestamp": now(),
        }
    )


if __name__ == "__main__":
    with app.app_context():
        db.create_all()
