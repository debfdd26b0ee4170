"""@documented: the description each view carries for the OpenAPI document."""

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from pydantic import BaseModel

ITEM_WRITE = (400, 401, 404, 409, 412, 415)
ADMIN = (401, 403)


@dataclass(frozen=True)
class Operation:
    """What the document says about one view, whichever methods route to it."""

    summary: str
    returns: type[BaseModel] | str  # a shape, or a media type for non-JSON
    success: int = 200
    # The failures it can answer; 413 (for a body) and 503 are added to all.
    errors: tuple[int, ...] = ()
    body: type[BaseModel] | None = None
    body_media_type: str = "application/json"
    query: type[BaseModel] | None = None
    headers: tuple[str, ...] = ()
    login: bool = True
    tag: str | None = None  # None: the blueprint's name
    extra_statuses: dict[int, str] = field(default_factory=dict)
    # Where the operation answers an error in its own words, by status.
    examples: dict[int, dict[str, dict]] = field(default_factory=dict)


def documented(
    returns: type[BaseModel] | str, *, summary: str | None = None, **details: Any
):
    """Describe the decorated view in the OpenAPI document (fields: ``Operation``).

    The summary is the first line of the view's docstring unless given.
    """

    def decorate(view):
        summary_text = summary or _first_line(view.__doc__)
        view.openapi = Operation(summary_text, returns, **details)
        return view

    return decorate


def _first_line(docstring: str | None) -> str:
    if not docstring:
        raise TypeError("a documented view needs a docstring (its summary)")
    return docstring.strip().splitlines()[0].removesuffix(".")


def documented_operations(app: Flask) -> dict[tuple[str, str], Operation]:
    """Return the description of each (method, endpoint) of ``app`` that has one."""
    operations = {}
    for rule in app.url_map.iter_rules():
        # functools.wraps copies the attribute onto every decorator's wrapper.
        operation = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if operation is None:
            continue  # the document test reports undocumented routes
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations[method, rule.endpoint] = operation
    return operations
