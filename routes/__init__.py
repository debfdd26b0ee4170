"""The HTTP layer: one blueprint per resource, registered by ``app.py``.

Each view parses the request (``schemas``), checks who may do it, calls the
operation in ``domain/`` or the models, and answers in the JSON envelope:

- ``auth``: /register, /login, /logout, /me, and the login decorators
- ``inventory``: /inventory CRUD and search
- ``stock``: stock movements, the ledger and low-stock alerts
- ``inventory_csv``: CSV export and import
- ``history``: /history
- ``catalog``: what ``categories`` and ``suppliers`` share
- ``users``: /users, for admins
- ``ops``: /health and /version
- ``docs``: /openapi.json and /docs
"""
