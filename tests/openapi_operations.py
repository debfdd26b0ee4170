"""Every documented operation of the app's routes, keyed like the URL map."""

from flask import Flask

from app import register_blueprints
from plumbing.openapi import documented_operations


def _routes_only() -> Flask:
    """Return an app with every blueprint and nothing else (no config needed)."""
    app = Flask(__name__)
    register_blueprints(app)
    return app


# {(method, endpoint): Operation}, from the descriptions on the views.
OPERATIONS = documented_operations(_routes_only())
