"""The HTTP plumbing every request passes through, whatever it asks for.

- ``sessions``: server-side sessions in files or Redis, safe logout
- ``security``: CSRF checks, body limits and security headers
- ``observability``: request ids and the one log line per request
- ``envelope``: the UTC timestamp on every JSON answer
- ``database``: the engine's set-up (SQLite pragmas, the writers' queue)
- ``pagination``, ``search``: one page of a query; Unicode case-insensitive ``?q=``
- ``openapi``: ``@documented`` and the OpenAPI document built from it
- ``response_shapes``: the response models the document describes
- ``gunicorn_workers``: the worker behind ``make serve``
"""
