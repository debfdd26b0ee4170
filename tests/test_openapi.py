"""The OpenAPI document: complete, generated from the validating models, served with docs."""

import re

import pytest

from schemas import ItemCreate, RegisterRequest, StockMovementRequest
from tests.helpers import documented_routes

OPERATIONS = documented_routes()


def url_map_operations(app) -> set[tuple[str, str]]:
    operations = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("dashboard."):
            continue  # the dashboard's HTML pages are not part of the API
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operations.add((method, path))
    return operations


def document_operations(document) -> set[tuple[str, str]]:
    return {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
    }


def test_every_route_is_documented_and_nothing_else(app, document):
    assert url_map_operations(app) == document_operations(document)


def test_no_documented_operation_is_left_without_a_route(app):
    endpoints = {
        (method, rule.endpoint)
        for rule in app.url_map.iter_rules()
        for method in rule.methods
    }
    assert set(OPERATIONS) <= endpoints


def test_it_is_openapi_3_1_with_session_cookie_auth(document):
    assert document["openapi"] == "3.1.0"
    assert document["components"]["securitySchemes"]["session"] == {
        "type": "apiKey",
        "in": "cookie",
        "name": "session",
    }
    assert document["paths"]["/login"]["post"]["security"] == []
    assert document["paths"]["/inventory"]["get"]["security"] == [{"session": []}]


@pytest.mark.parametrize("model", [ItemCreate, RegisterRequest, StockMovementRequest])
def test_request_schemas_are_the_validating_models(document, model):
    generated = model.model_json_schema(ref_template="#/components/schemas/{model}")
    component = document["components"]["schemas"][model.__name__]
    generated.pop("$defs", None)
    assert component == generated


def test_query_parameters_come_from_the_query_models(document):
    parameters = {
        p["name"]: p for p in document["paths"]["/inventory"]["get"]["parameters"]
    }
    assert parameters["sort"]["schema"]["enum"][:2] == ["item_name", "quantity"]
    assert parameters["per_page"]["schema"]["maximum"] == 100
    assert parameters["all"]["schema"]["type"] == "boolean"
    # Every parameter is an optional query parameter, but for the team header.
    team = parameters.pop("X-Team-ID")
    assert (team["in"], team["required"]) == ("header", False)
    assert all(p["in"] == "query" and not p["required"] for p in parameters.values())


def test_every_operation_documents_its_errors_with_the_envelope(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")):
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (
                        method,
                        path,
                    )


def test_the_docs_page_uses_only_its_own_assets(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets and all(asset.startswith("/docs/assets/") for asset in assets)
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    for asset in assets:
        with client.get(asset) as response:
            assert response.status_code == 200
            assert response.mimetype in ("text/css", "text/javascript")
            assert len(response.get_data()) > 100


def test_unknown_docs_assets_are_404(client):
    assert client.get("/docs/assets/secret.py").status_code == 404


def test_every_operation_has_a_declared_tag(document):
    declared = [tag["name"] for tag in document["tags"]]
    assert declared[:3] == ["auth", "inventory", "stock"]
    for item in document["paths"].values():
        for operation in item.values():
            assert operation["tags"][0] in declared
