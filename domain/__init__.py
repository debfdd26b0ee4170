"""The inventory's operations, below the HTTP layer.

Routes parse a request and call these; these read and write the database
through ``models`` and never look at the request themselves:

- ``item_store``: every read and write of an item (prebuilt SQL statements)
- ``stock``: stock movements, the ledger, and locking an item before a change
- ``item_csv``: CSV export and all-or-nothing import
- ``idempotency``: replaying a write sent again with the same Idempotency-Key
- ``demo_data``: the shop behind ``flask seed-demo``
"""
