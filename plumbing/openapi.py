"""The OpenAPI 3.1 document, built from the views and the models they validate with.

Each view carries its own description: ``@documented(...)`` (``operations.py``)
names its response shape, failures, body and query models, and its docstring's
first line is the summary. Request bodies and query strings come straight from
``schemas.py``, so the document cannot drift from validation. Response shapes
are described by the small models in ``response_shapes.py`` (documentation
only; the contract tests check real responses against them). Paths and path
parameters come from the app's URL map, and a test checks that the document
and the URL map name exactly the same operations.
"""

import re
from collections.abc import Iterable
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from werkzeug.routing import Rule, parse_converter_args

from columns import MAX_ID
from errors import HTTP_MESSAGES
from plumbing.error_examples import (
    BAD_BODY,
    BAD_QUERY,
    ERROR_EXAMPLES,
    NOT_FOUND_BY_TAG,
    error_example,
)
from plumbing.operations import Operation, documented_operations
from plumbing.response_shapes import Error
from version import __version__

# What each failure status means, for the document.
ERROR_MEANINGS = {
    400: "Invalid input; `errors` names each bad field.",
    401: "Not logged in (or wrong username or password).",
    403: "Logged in without the role it needs (the site admin role; the team "
    "admin role to change a team's data; the clerk or admin team role to record "
    "stock), or a cross-site request.",
    404: "No such resource, or not in your team (or not a team of yours).",
    409: "Conflicts with existing data (taken name, in use, not enough stock...).",
    412: "If-Match names a version the item no longer has (see current_version).",
    413: "The request body is larger than the limit.",
    415: "The body is not of the required content type.",
    422: "The Idempotency-Key was used for a different request.",
    429: "Too many attempts; retry after Retry-After seconds.",
    503: "A backing service is unavailable; retry after Retry-After seconds.",
}
HEADERS = {
    "Idempotency-Key": {
        "description": "Makes a retry safe: the same key within 24 hours replays the "
        "first response instead of writing again.",
        "schema": {"type": "string", "pattern": r"^[\x21-\x7e]{1,255}$"},
    },
    "X-Team-ID": {
        "description": "The team this request acts on, instead of the session's "
        "current team (POST /teams/{team_id}/switch). A team you are not a member "
        "of answers 404, as a missing one.",
        "schema": {"type": "string"},
    },
    "If-Match": {
        "description": "The item's ETag (its version, quoted): the write happens only "
        "if the item is still at that version.",
        "schema": {"type": "string"},
    },
}

ASSET_MEDIA_TYPES = ("text/javascript", "text/css")
# The blueprints whose routes act on a team's inventory: each takes X-Team-ID,
# answers 404 outside the caller's teams and 403 to a staff member's changes.
TEAM_SCOPED = (
    "inventory",
    "inventory_csv",
    "stock",
    "history",
    "categories",
    "suppliers",
)
TEAM_NOT_FOUND = {
    "team_not_found": error_example("Not a team of yours", "Team not found.")
}
NOT_TEAM_ADMIN = {
    "not_team_admin": error_example(
        "A staff member or clerk of the team", "This needs the team admin role."
    )
}
# The order the documentation page shows the groups in.
TAGS = (
    ("auth", "Register, log in, log out, who am I, change your password."),
    ("inventory", "Your team's items: create, find, change, delete, CSV."),
    ("stock", "Stock movements, the ledger, low-stock and expiry alerts."),
    ("history", "Everything that happened in your team, newest first."),
    ("teams", "Teams share an inventory: members, team roles, the current team."),
    ("categories", "Your team's catalog (changes: team admins)."),
    ("suppliers", "Your team's catalog (changes: team admins)."),
    ("users", "Accounts and site roles (site admins)."),
    ("operations", "Health, version and this documentation."),
)


def _error_examples(
    op: Operation, tag: str, status: int, body_limit_kb: int, team_scoped: bool
) -> dict[str, dict]:
    """Return the documented examples of ``op`` answering ``status``."""
    if status in op.examples:
        return op.examples[status]
    if status == 400:
        return BAD_BODY if op.body is not None else BAD_QUERY
    if status == 404:
        message = NOT_FOUND_BY_TAG.get(tag, HTTP_MESSAGES[404])
        examples = {
            "not_found": error_example("No such resource, or not yours", message)
        }
        if team_scoped:
            examples = {**examples, **TEAM_NOT_FOUND}
        return examples
    if status == 403 and team_scoped:
        return {**NOT_TEAM_ADMIN, **ERROR_EXAMPLES[403]}
    if status == 413:
        message = f"Request body is too large (limit {body_limit_kb} KB)."
        return {"too_large": error_example("The body is over the limit", message)}
    return ERROR_EXAMPLES[status]


def build_document(app: Flask) -> dict[str, Any]:
    """Return the OpenAPI 3.1 document for every documented route of ``app``."""
    operations = documented_operations(app)
    components = _component_schemas(operations.values())
    body_limit_kb = app.config["MAX_CONTENT_LENGTH"] // 1024
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            operation = operations.get((method, rule.endpoint))
            if operation is None:
                continue  # the document test reports undocumented routes
            path, parameters = _path_and_parameters(rule)
            paths.setdefault(path, {})[method.lower()] = _operation(
                operation, rule.endpoint, method, parameters, body_limit_kb
            )
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Inventory API",
            "version": __version__,
            "description": "Inventory management with server-side sessions. Log in "
            "with POST /login; the session cookie authenticates the rest. Every JSON "
            "answer is an envelope with `status` and a UTC `timestamp` (ISO 8601); "
            "errors always add `message` and `errors`.",
        },
        "tags": [{"name": name, "description": text} for name, text in TAGS],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "session": {"type": "apiKey", "in": "cookie", "name": "session"}
            },
        },
    }


def _component_schemas(operations: Iterable[Operation]) -> dict[str, Any]:
    operations = list(operations)
    request_models = {op.body for op in operations if op.body is not None}
    response_models = {op.returns for op in operations if isinstance(op.returns, type)}
    entries = [(model, "validation") for model in request_models]
    entries += [(model, "serialization") for model in response_models | {Error}]
    _, schema = models_json_schema(
        sorted(entries, key=lambda entry: entry[0].__name__),
        by_alias=True,
        ref_template="#/components/schemas/{model}",
    )
    return schema["$defs"]


# A variable in a rule, as Werkzeug writes them: <name>, <int:name>, <any(a, b):name>.
PATH_VARIABLE = re.compile(
    r"<(?:(?P<converter>\w+)(?:\((?P<arguments>[^)]*)\))?:)?(?P<name>\w+)>"
)


def _path_and_parameters(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    parameters = []
    for variable in PATH_VARIABLE.finditer(rule.rule):
        if variable["converter"] == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif variable["converter"] == "any":
            choices, _ = parse_converter_args(variable["arguments"])
            schema = {"type": "string", "enum": sorted(choices)}
        else:
            raise ValueError(f"no schema for the path variable in {rule.rule}")
        parameters.append(
            {"name": variable["name"], "in": "path", "required": True, "schema": schema}
        )
    return PATH_VARIABLE.sub(r"{\g<name>}", rule.rule), parameters


def _operation(
    op: Operation, endpoint: str, method: str, parameters: list, body_limit_kb: int
) -> dict:
    blueprint = endpoint.partition(".")[0]
    tag = op.tag or blueprint
    team_scoped = op.login and blueprint in TEAM_SCOPED
    document: dict[str, Any] = {
        "operationId": f"{endpoint.replace('.', '_')}_{method.lower()}",
        "summary": op.summary,
        "tags": [tag],
        "responses": _responses(op, tag, body_limit_kb, team_scoped, method),
    }
    headers = (*op.headers, "X-Team-ID") if team_scoped else op.headers
    parameters = parameters + [
        {"name": name, "in": "header", "required": False, **HEADERS[name]}
        for name in headers
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        document["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(op.body)}},
        }
    elif op.body_media_type == "text/csv":
        document["requestBody"] = {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    document["security"] = [{"session": []}] if op.login else []
    return document


def _responses(
    op: Operation, tag: str, body_limit_kb: int, team_scoped: bool, method: str
) -> dict[str, Any]:
    responses: dict[str, Any] = {str(op.success): {"description": "Success."}}
    if isinstance(op.returns, type):
        responses[str(op.success)]["content"] = {
            "application/json": {"schema": _ref(op.returns)}
        }
    elif op.returns == "asset":
        responses[str(op.success)]["content"] = {
            media: {} for media in ASSET_MEDIA_TYPES
        }
    else:
        responses[str(op.success)]["content"] = {
            op.returns: {"schema": {"type": "string"}}
        }
    statuses = list(op.errors)
    if team_scoped:
        # Outside the caller's teams: 404; a change by a staff member: 403.
        statuses += [404] if method == "GET" else [403, 404]
    if op.body is not None or op.body_media_type != "application/json":
        statuses.append(413)  # any request body can be over the limit
    statuses.append(503)  # every operation can meet a store that is down
    for status in sorted(set(statuses), key=statuses.index):
        examples = _error_examples(op, tag, status, body_limit_kb, team_scoped)
        responses.setdefault(
            str(status),
            {
                "description": ERROR_MEANINGS[status],
                "content": {
                    "application/json": {"schema": _ref(Error), "examples": examples}
                },
            },
        )
    for status, description in op.extra_statuses.items():
        # Reword a documented error, or add a status without a body (304).
        responses.setdefault(str(status), {})["description"] = description
    return responses


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(by_alias=True)
    required = set(schema.get("required", ()))
    return [
        {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": _without_null(property_schema),
        }
        for name, property_schema in schema["properties"].items()
    ]


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    # A query parameter is either present (as text) or absent; never null.
    options = [
        option for option in schema.get("anyOf", ()) if option.get("type") != "null"
    ]
    if len(options) == 1:
        rest = {key: value for key, value in schema.items() if key != "anyOf"}
        if rest.get("default", "") is None:
            del rest["default"]
        return {**rest, **options[0]}
    return schema


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{model.__name__}"}
