"""The OpenAPI document's envelope: a UTC timestamp everywhere, and real error examples."""

from types import SimpleNamespace

import pytest

from app import create_app
from plumbing.response_shapes import Error
from tests.helpers import AuthActions, item_payload

# --- The envelope and its examples ---------------------------------------------------


def json_responses(document):
    """Yield (method, path, status, media) for every JSON response documented."""
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, response in operation["responses"].items():
                media = response.get("content", {}).get("application/json")
                if (
                    media is not None
                    and "schema" in media
                    and "$ref" in media["schema"]
                ):
                    yield method, path, status, media


def test_every_envelope_requires_a_utc_timestamp(document):
    schemas = document["components"]["schemas"]
    for method, path, status, media in json_responses(document):
        schema = schemas[media["schema"]["$ref"].rsplit("/", 1)[1]]
        assert "timestamp" in schema["required"], (method, path, status)
        assert schema["properties"]["timestamp"]["format"] == "date-time"


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/inventory", "get"),
        ("/inventory/{item_id}", "get"),
        ("/inventory/{item_id}", "put"),
        ("/inventory/{item_id}", "delete"),
        ("/history", "get"),
    ],
)
def test_the_originals_reads_and_writes_document_their_message(document, path, method):
    ref = document["paths"][path][method]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]["$ref"]
    schema = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert "message" in schema["required"]
    if method in ("put", "delete"):
        assert "item_id" in schema["required"]  # as the original answered


def test_every_error_has_examples_in_the_envelope(document):
    for method, path, status, media in json_responses(document):
        if not status.startswith(("4", "5")):
            continue
        examples = media.get("examples")
        assert examples, (method, path, status)
        for example in examples.values():
            assert example["summary"]
            body = example["value"]
            Error.model_validate(body)
            assert set(body) >= {"status", "message", "errors", "timestamp"}


def open_object(schema: dict) -> bool:
    """Whether Swagger UI would invent "additionalProp1" keys for this schema."""
    options = [schema, *schema.get("anyOf", ())]
    return any(option.get("additionalProperties", False) for option in options)


def test_the_docs_invent_no_placeholder_keys(document):
    # Swagger UI fills an open object without an example with "additionalProp1".
    for name, schema in document["components"]["schemas"].items():
        if name == "Error":
            continue  # each error response has its own examples (above)
        for field, property_schema in schema.get("properties", {}).items():
            if open_object(property_schema):
                assert property_schema.get("examples"), (name, field)


def documented_example(document, path, method, status, name):
    responses = document["paths"][path][method]["responses"]
    example = responses[str(status)]["content"]["application/json"]["examples"][name]
    return example["value"]


def make_items(ctx, count, **fields):
    for _ in range(count):
        ctx.admin.post("/inventory", json=item_payload(**fields))


def stale_item(ctx):
    item_id = ctx.user.post("/inventory", json=item_payload()).get_json()["item_id"]
    ctx.user.patch(f"/inventory/{item_id}", json={"quantity": 1})
    ctx.user.patch(f"/inventory/{item_id}", json={"quantity": 2})  # version 3
    return ctx.user.put(
        f"/inventory/{item_id}", json={"quantity": 9}, headers={"If-Match": '"1"'}
    )


def category_in_use(ctx):
    category = ctx.admin.post("/categories", json={"name": "Tools"}).get_json()
    category_id = category["category"]["id"]
    make_items(ctx, 3, category_id=category_id)
    return ctx.admin.delete(f"/categories/{category_id}")


def taken_category_name(ctx):
    ctx.admin.post("/categories", json={"name": "Tools"})
    return ctx.admin.post("/categories", json={"name": "Tools"})


def not_enough_stock(ctx):
    item_id = ctx.user.post("/inventory", json=item_payload()).get_json()["item_id"]
    return ctx.user.post(
        f"/inventory/{item_id}/stock", json={"change": -10, "reason": "sale"}
    )


def reused_key(ctx):
    headers = {"Idempotency-Key": "k"}
    ctx.user.post("/inventory", json=item_payload(), headers=headers)
    return ctx.user.post("/inventory", json=item_payload(quantity=6), headers=headers)


def failed_logins(ctx):
    limited = create_app(ctx.config | {"RATELIMIT_ENABLED": True})
    for _ in range(5):
        AuthActions(limited.test_client()).login("alice", "wrong-pass-1")
    return AuthActions(limited.test_client()).login("alice", "wrong-pass-1")


def store_down(ctx):
    def fail(*args, **kwargs):
        raise OSError("the store is gone")

    interface = ctx.app.session_interface
    ctx.monkeypatch.setattr(interface, "_retrieve_session_data", fail)
    return ctx.user.get("/inventory")


# (path, method, status, example): how to make the API give that answer.
REAL_ANSWERS = {
    ("/inventory", "post", 400, "invalid_field"): lambda ctx: ctx.user.post(
        "/inventory", json=item_payload(quantity="5")
    ),
    ("/inventory", "post", 400, "not_an_object"): lambda ctx: ctx.user.post(
        "/inventory", json=[]
    ),
    ("/inventory", "get", 400, "unknown_parameter"): lambda ctx: ctx.user.get(
        "/inventory?perpage=10"
    ),
    ("/inventory/import", "post", 400, "bad_rows"): lambda ctx: ctx.user.post(
        "/inventory/import",
        data="item_name,quantity,price\r\nMouse,1,x\r\n",
        content_type="text/csv",
    ),
    ("/inventory", "get", 401, "not_logged_in"): lambda ctx: ctx.app.test_client().get(
        "/inventory"
    ),
    ("/login", "post", 401, "bad_credentials"): lambda ctx: AuthActions(
        ctx.app.test_client()
    ).login("alice", "wrong-pass-1"),
    ("/users", "get", 403, "not_admin"): lambda ctx: ctx.user.get("/users"),
    ("/inventory/{item_id}", "get", 404, "not_found"): lambda ctx: ctx.user.get(
        "/inventory/999"
    ),
    ("/categories/{entry_id}", "get", 404, "not_found"): lambda ctx: ctx.user.get(
        "/categories/999"
    ),
    ("/users/{user_id}", "get", 404, "not_found"): lambda ctx: ctx.admin.get(
        "/users/999"
    ),
    ("/register", "post", 409, "taken"): lambda ctx: AuthActions(ctx.user).register(
        "alice", email="new@example.com"
    ),
    ("/inventory", "post", 409, "sku_taken"): lambda ctx: [
        ctx.user.post("/inventory", json=item_payload(sku="LAP-1")) for _ in range(2)
    ][-1],
    ("/inventory/{item_id}/stock", "post", 409, "not_enough_stock"): not_enough_stock,
    ("/categories", "post", 409, "name_taken"): taken_category_name,
    ("/categories/{entry_id}", "delete", 409, "in_use"): category_in_use,
    ("/users/{user_id}", "patch", 409, "last_admin"): lambda ctx: ctx.admin.patch(
        "/users/1", json={"role": "staff"}
    ),
    ("/inventory/{item_id}", "put", 412, "stale_version"): stale_item,
    ("/inventory", "post", 413, "too_large"): lambda ctx: ctx.user.post(
        "/inventory", data="x" * (1024 * 1024 + 1), content_type="application/json"
    ),
    ("/inventory", "post", 415, "not_json"): lambda ctx: ctx.user.post(
        "/inventory", data="x", content_type="text/plain"
    ),
    ("/inventory/import", "post", 415, "not_csv"): lambda ctx: ctx.user.post(
        "/inventory/import", json={}
    ),
    ("/inventory", "post", 422, "key_reused"): reused_key,
    ("/login", "post", 429, "failed_logins"): failed_logins,
    ("/inventory", "get", 503, "session_store"): store_down,
}


@pytest.mark.parametrize("answer", REAL_ANSWERS, ids=lambda a: "-".join(map(str, a)))
def test_the_documented_error_examples_are_real_answers(
    app, app_config, admin, logged_in, document, monkeypatch, answer
):
    path, method, status, name = answer
    ctx = SimpleNamespace(
        app=app, admin=admin, user=logged_in, config=app_config, monkeypatch=monkeypatch
    )
    response = REAL_ANSWERS[answer](ctx)
    assert response.status_code == status, response.get_json()
    real = response.get_json()
    example = documented_example(document, path, method, status, name)
    assert {**real, "timestamp": None} == {**example, "timestamp": None}
