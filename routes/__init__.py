"""The HTTP layer: one blueprint per resource, registered by ``app.py``.

Each view parses the request (``schemas``), checks who may do it, calls the
operation in ``domain/`` or the models, and answers in the JSON envelope:

- ``auth``: /register, /login, /logout, /me; the request's team and the
  login, site-role and team-role decorators
- ``account``: /me/password
- ``teams``: /teams, their members and the current team
- ``inventory``: /inventory CRUD and search
- ``stock``: stock movements, the ledger, low-stock and expiry alerts
- ``inventory_csv``: CSV export and import
- ``history``: /history
- ``catalog``: what ``categories`` and ``suppliers`` share
- ``users``: /users, for site admins
- ``ops``: /health and /version
- ``docs``: /openapi.json and /docs
"""
