"""Blueprints, one module per resource: auth, inventory and history."""
