"""The benchmark's floor: a bare Flask app answering with one constant item.

Run under the same gunicorn settings as the API, it measures what the server,
the network stack and Flask itself cost, so the API's figures can be read as
ratios to it.
"""

from flask import Flask

ITEM = {
    "status": "successful",
    "item": {"id": 1, "item_name": "Laptop", "quantity": 5, "price": 1200.0},
}

app = Flask(__name__)


@app.get("/item")
def constant_item():
    """Return the same small item every time."""
    return ITEM
