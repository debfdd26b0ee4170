"""The inventory's operations, below the HTTP layer.

Routes parse a request and call these; these read and write the database
through ``models`` and never look at the request themselves:

- ``item_store``: every read and write of an item (prebuilt SQL statements)
- ``item_statements``, ``item_queries``: the statements and SELECTs item_store runs
- ``item_fields``: an item as the API shows it and as the table stores it
- ``item_edits``: the ordinary edit, locking an item before a change, If-Match
- ``stock``: stock movements and counts
- ``item_csv``: CSV export and all-or-nothing import
- ``csv_cells``: one CSV cell, escaped on export and read back on import
- ``teams``: teams and members, the caller's team role, the last-admin rule
- ``accounts``: opening an account (the user and their personal team)
- ``history``: the history row every change writes in its transaction
- ``idempotency``: replaying a write sent again with the same Idempotency-Key
- ``demo_data``: the shop behind ``flask seed-demo``
"""
