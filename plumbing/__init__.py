"""The HTTP plumbing every request passes through, whatever it asks for.

- ``sessions``: server-side sessions in files or Redis, safe logout
- ``security``: CSRF checks, body limits and security headers
- ``login_limits``: the failed-login limit per username
- ``observability``: request ids and the one log line per request
- ``envelope``: the UTC timestamp on every JSON answer
- ``database``: the engine's set-up (SQLite pragmas, the writers' queue)
- ``pagination``, ``search``: one page of a query; Unicode case-insensitive ``?q=``
- ``operations``: ``@documented``, each view's description for the document
- ``openapi``: the OpenAPI document built from those descriptions
- ``error_examples``: the error answers the document shows
- ``response_shapes``, ``team_shapes``: the response models the document describes
- ``gunicorn_workers``: the worker behind ``make serve``
"""
