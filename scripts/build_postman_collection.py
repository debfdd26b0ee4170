"""Write docs/postman_collection.json: every endpoint, in a sensible order, with tests.

Run ``python scripts/build_postman_collection.py`` after changing the API; the
committed JSON is what Postman imports and what ``make postman`` runs with
newman. Variables: ``baseUrl``, ``adminUsername`` and ``adminPassword``.
``scripts/postman.sh`` fills them in for the admin its live server creates; in
Postman, set them on the collection. The collection registers its own user
with a generated password, so there is nothing else to type.
"""

import json
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "postman_collection.json"
NUMERIC_VARIABLES = ("categoryId", "supplierId", "userId", "itemId")


# Every JSON answer carries when it was made: ISO 8601, UTC, microseconds.
TIMESTAMP_TEST = (
    'pm.test("UTC timestamp", () => {\n'
    "  const stamp = pm.response.json().timestamp;\n"
    "  pm.expect(stamp).to.match(/^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00$/);\n"
    '  pm.expect(Date.parse(stamp)).to.be.a("number").and.not.NaN;\n'
    "});"
)


def ok(status: int = 200, message: str | None = None) -> str:
    """Tests for a success: status, envelope, timestamp and, if given, message."""
    tests = (
        f'pm.test("status is {status}", () => pm.response.to.have.status({status}));\n'
        'pm.test("successful envelope", () => '
        'pm.expect(pm.response.json().status).to.eql("successful"));\n' + TIMESTAMP_TEST
    )
    if message is not None:
        tests += (
            f'\npm.test("says {message}", () => '
            f"pm.expect(pm.response.json().message).to.eql({json.dumps(message)}));"
        )
    return tests


def failed(status: int) -> str:
    """Tests for an error: status, the error envelope and its timestamp."""
    return (
        f'pm.test("status is {status}", () => pm.response.to.have.status({status}));\n'
        'pm.test("error envelope", () => {\n'
        "  const body = pm.response.json();\n"
        '  pm.expect(body.status).to.eql("failed");\n'
        '  pm.expect(body.message).to.be.a("string");\n'
        '  pm.expect(body.errors).to.be.an("array");\n'
        "});\n" + TIMESTAMP_TEST
    )


def request(
    name,
    method,
    path,
    *,
    body=None,
    raw=None,
    content_type=None,
    headers=None,
    tests="",
    prerequest="",
):
    item_headers = [{"key": k, "value": v} for k, v in (headers or {}).items()]
    entry = {
        "name": name,
        "request": {
            "method": method,
            "header": item_headers,
            "url": {
                "raw": "{{baseUrl}}" + path,
                "host": ["{{baseUrl}}"],
                "path": [part for part in path.split("?")[0].split("/") if part],
            },
        },
        "event": [],
    }
    if "?" in path:
        query = path.split("?", 1)[1]
        entry["request"]["url"]["query"] = [
            {"key": pair.split("=")[0], "value": pair.split("=", 1)[1]}
            for pair in query.split("&")
        ]
    if body is not None:
        item_headers.append({"key": "Content-Type", "value": "application/json"})
        raw_json = json.dumps(body, indent=2)
        # Ids are numbers: substitute them unquoted ("5" would be refused).
        for variable in NUMERIC_VARIABLES:
            raw_json = raw_json.replace(f'"{{{{{variable}}}}}"', f"{{{{{variable}}}}}")
        entry["request"]["body"] = {"mode": "raw", "raw": raw_json}
    if raw is not None:
        item_headers.append({"key": "Content-Type", "value": content_type})
        entry["request"]["body"] = {"mode": "raw", "raw": raw}
    if prerequest:
        entry["event"].append(
            {
                "listen": "prerequest",
                "script": {"type": "text/javascript", "exec": prerequest.splitlines()},
            }
        )
    if tests:
        entry["event"].append(
            {
                "listen": "test",
                "script": {"type": "text/javascript", "exec": tests.splitlines()},
            }
        )
    return entry


def folder(name, description, items):
    return {"name": name, "description": description, "item": items}


LAPTOP = {
    "item_name": "Laptop",
    "description": "Dell XPS",
    "quantity": 5,
    "price": 1200.00,
    "sku": "{{sku}}",
    "category_id": "{{categoryId}}",
    "supplier_id": "{{supplierId}}",
    "reorder_level": 2,
    "metadata": {"tags": ["Electronics"], "specifications": {"ram_gb": 16}},
}
USER_LOGIN = {"username": "{{username}}", "password": "{{password}}"}
ADMIN_LOGIN = {"username": "{{adminUsername}}", "password": "{{adminPassword}}"}

getting_started = folder(
    "1. Getting started",
    "Public endpoints: is it up, which version, and the API description.",
    [
        request(
            "Health",
            "GET",
            "/health",
            tests=ok() + '\npm.test("database ok", () => '
            'pm.expect(pm.response.json().checks.database).to.eql("ok"));',
        ),
        request("Version", "GET", "/version", tests=ok()),
        request(
            "OpenAPI document",
            "GET",
            "/openapi.json",
            tests='pm.test("OpenAPI 3.1", () => pm.expect(pm.response.json().openapi).to.eql("3.1.0"));',
        ),
        request(
            "Interactive docs",
            "GET",
            "/docs",
            tests='pm.test("HTML page", () => pm.expect(pm.response.headers.get("Content-Type")).to.include("text/html"));',
        ),
        request(
            "Docs stylesheet",
            "GET",
            "/docs/assets/swagger-ui.css",
            tests='pm.test("status is 200", () => pm.response.to.have.status(200));',
        ),
    ],
)

account = folder(
    "2. Account",
    "Register a user (a fresh name each run) and log in; the session cookie does the rest.",
    [
        request(
            "Register",
            "POST",
            "/register",
            body={
                "username": "{{username}}",
                "email": "{{username}}@example.com",
                "password": "{{password}}",
            },
            # A fresh user each run, with a generated password (letters and digits).
            prerequest='pm.collectionVariables.set("username", "postman_" + Date.now());\n'
            'pm.collectionVariables.set("password", "Pm-" + Date.now() + "-" + Math.random().toString(36).slice(2));',
            tests=ok(201, "User registered successfully!")
            + '\npm.test("staff by default", () => pm.expect(pm.response.json().user.role).to.eql("staff"));\n'
            'pm.collectionVariables.set("userId", pm.response.json().user.id);',
        ),
        request(
            "Register the same name again",
            "POST",
            "/register",
            body={
                "username": "{{username}}",
                "email": "other-{{username}}@example.com",
                "password": "{{password}}",
            },
            tests=failed(409),
        ),
        request(
            "Log in with a wrong password",
            "POST",
            "/login",
            body={"username": "{{username}}", "password": "wrong-pass-1"},
            tests=failed(401),
        ),
        request(
            "Log in",
            "POST",
            "/login",
            body=USER_LOGIN,
            tests=ok(200, "Login successful!")
            + '\npm.test("session cookie", () => pm.expect(pm.cookies.has("session")).to.be.true);',
        ),
        request(
            "Who am I",
            "GET",
            "/me",
            tests=ok()
            + '\npm.test("it is me", () => pm.expect(pm.response.json().user.username).to.eql(pm.collectionVariables.get("username")));',
        ),
    ],
)

admin = folder(
    "3. Admin: catalog and users",
    "Log in as the admin (variables adminUsername/adminPassword) to manage the shared catalog and roles.",
    [
        request(
            "Log in as admin",
            "POST",
            "/login",
            body=ADMIN_LOGIN,
            prerequest='if (!pm.variables.get("adminPassword")) {\n'
            '  throw new Error("Set adminUsername and adminPassword on the collection '
            '(an admin made with flask create-admin); scripts/postman.sh sets them.");\n}',
            tests=ok(200, "Login successful!")
            + '\npm.test("is admin", () => pm.expect(pm.response.json().user.role).to.eql("admin"));',
        ),
        request(
            "Create a category",
            "POST",
            "/categories",
            body={
                "name": "Postman category {{$timestamp}}",
                "description": "Made by the collection",
            },
            tests=ok(201)
            + '\npm.collectionVariables.set("categoryId", pm.response.json().category.id);',
        ),
        request(
            "List categories", "GET", "/categories?q=Postman&per_page=10", tests=ok()
        ),
        request("Show the category", "GET", "/categories/{{categoryId}}", tests=ok()),
        request(
            "Replace the category's fields",
            "PUT",
            "/categories/{{categoryId}}",
            body={"name": "Postman category {{$timestamp}} v2"},
            tests=ok(),
        ),
        request(
            "Change the category's description",
            "PATCH",
            "/categories/{{categoryId}}",
            body={"description": "Patched"},
            tests=ok(),
        ),
        request(
            "Create a supplier",
            "POST",
            "/suppliers",
            body={
                "name": "Postman supplier {{$timestamp}}",
                "email": "sales@postman.example",
                "phone": "+1 555 0100",
            },
            tests=ok(201)
            + '\npm.collectionVariables.set("supplierId", pm.response.json().supplier.id);',
        ),
        request("List suppliers", "GET", "/suppliers?q=Postman", tests=ok()),
        request("Show the supplier", "GET", "/suppliers/{{supplierId}}", tests=ok()),
        request(
            "Replace the supplier's fields",
            "PUT",
            "/suppliers/{{supplierId}}",
            body={"name": "Postman supplier {{$timestamp}} v2", "contact_name": "Pat"},
            tests=ok(),
        ),
        request(
            "Change the supplier's address",
            "PATCH",
            "/suppliers/{{supplierId}}",
            body={"address": "1 Main St"},
            tests=ok(),
        ),
        request(
            "Create a spare category",
            "POST",
            "/categories",
            body={"name": "Spare {{$timestamp}}"},
            tests=ok(201)
            + '\npm.collectionVariables.set("spareCategoryId", pm.response.json().category.id);',
        ),
        request(
            "Delete the spare category",
            "DELETE",
            "/categories/{{spareCategoryId}}",
            tests=ok(),
        ),
        request(
            "Create a spare supplier",
            "POST",
            "/suppliers",
            body={"name": "Spare supplier {{$timestamp}}"},
            tests=ok(201)
            + '\npm.collectionVariables.set("spareSupplierId", pm.response.json().supplier.id);',
        ),
        request(
            "Delete the spare supplier",
            "DELETE",
            "/suppliers/{{spareSupplierId}}",
            tests=ok(),
        ),
        request(
            "Find the new user",
            "GET",
            "/users?q={{username}}",
            tests=ok()
            + '\npm.test("found", () => pm.expect(pm.response.json().users.length).to.eql(1));',
        ),
        request("Show the user", "GET", "/users/{{userId}}", tests=ok()),
        request(
            "Keep the user as staff",
            "PATCH",
            "/users/{{userId}}",
            body={"role": "staff"},
            tests=ok(),
        ),
        request("Everyone's items", "GET", "/inventory?all=true", tests=ok()),
        request(
            "Everyone's history", "GET", "/history?all=true&per_page=5", tests=ok()
        ),
    ],
)

inventory = folder(
    "4. Inventory, stock and history",
    "Back as the user: create an item, edit it safely, move stock, export and import.",
    [
        request(
            "Log in as the user again", "POST", "/login", body=USER_LOGIN, tests=ok()
        ),
        request(
            "Create an item",
            "POST",
            "/inventory",
            headers={"Idempotency-Key": "{{idempotencyKey}}"},
            body=LAPTOP,
            prerequest='pm.collectionVariables.set("idempotencyKey", "create-" + Date.now());\n'
            'pm.collectionVariables.set("sku", "PM-" + Date.now());',
            tests=ok(201, "Item created successfully!")
            + '\npm.collectionVariables.set("itemId", pm.response.json().item_id);\n'
            'pm.test("names embedded", () => pm.expect(pm.response.json().item.category_name).to.include("Postman"));',
        ),
        request(
            "Retry the create (same Idempotency-Key)",
            "POST",
            "/inventory",
            headers={"Idempotency-Key": "{{idempotencyKey}}"},
            body=LAPTOP,
            tests=ok(201) + '\npm.test("replayed, not created again", () => {\n'
            '  pm.expect(pm.response.headers.get("Idempotent-Replayed")).to.eql("true");\n'
            '  pm.expect(pm.response.json().item_id).to.eql(pm.collectionVariables.get("itemId"));\n});',
        ),
        request(
            "Create with a bad field",
            "POST",
            "/inventory",
            body={"item_name": "", "quantity": "5", "price": 1},
            tests=failed(400),
        ),
        request(
            "Find items",
            "GET",
            "/inventory?q=laptop&tag=electronics&sort=-price",
            tests=ok(200, "Items retrieved successfully!")
            + '\npm.test("found it", () => pm.expect(pm.response.json().items.map(i => i.id)).to.include(pm.collectionVariables.get("itemId")));',
        ),
        request(
            "Show the item (ETag)",
            "GET",
            "/inventory/{{itemId}}",
            tests=ok(200, "Item retrieved successfully!")
            + '\npm.collectionVariables.set("etag", pm.response.headers.get("ETag"));',
        ),
        request(
            "Update with If-Match",
            "PUT",
            "/inventory/{{itemId}}",
            headers={"If-Match": "{{etag}}"},
            body={"item_name": "Updated Laptop", "quantity": 10, "price": 1100.00},
            tests=ok(200, "Item updated successfully!")
            + '\npm.collectionVariables.set("etag", pm.response.headers.get("ETag"));',
        ),
        request(
            "Update with a stale If-Match",
            "PUT",
            "/inventory/{{itemId}}",
            headers={"If-Match": '"1"'},
            body={"quantity": 99},
            tests=failed(412),
        ),
        request(
            "Change one field",
            "PATCH",
            "/inventory/{{itemId}}",
            body={"description": "Patched"},
            tests=ok(),
        ),
        request(
            "Sell three",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"change": -3, "reason": "sale", "note": "Order 17"},
            tests=ok()
            + '\npm.test("balance", () => pm.expect(pm.response.json().movement.balance).to.eql(7));',
        ),
        request(
            "Sell too many",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"change": -1000, "reason": "sale"},
            tests=failed(409),
        ),
        request(
            "Count the shelf",
            "POST",
            "/inventory/{{itemId}}/stock",
            body={"reason": "count", "quantity": 2},
            tests=ok()
            + '\npm.test("low stock now", () => pm.expect(pm.response.json().low_stock).to.be.true);',
        ),
        request(
            "The stock ledger",
            "GET",
            "/inventory/{{itemId}}/movements?verify=true",
            tests=ok()
            + '\npm.test("ledger adds up", () => pm.expect(pm.response.json().verification.holds).to.be.true);',
        ),
        request(
            "Low-stock alerts",
            "GET",
            "/alerts/low-stock",
            tests=ok()
            + '\npm.test("our item is there", () => pm.expect(pm.response.json().alerts.map(a => a.item_id)).to.include(pm.collectionVariables.get("itemId")));',
        ),
        request(
            "Export CSV",
            "GET",
            "/inventory/export.csv?sort=item_name",
            tests='pm.test("status is 200", () => pm.response.to.have.status(200));\n'
            'pm.test("CSV", () => pm.expect(pm.response.text()).to.include("sku,item_name"));',
        ),
        request(
            "Import CSV (dry run)",
            "POST",
            "/inventory/import?dry_run=true",
            content_type="text/csv",
            raw="sku,item_name,quantity,price\nPMI-{{$timestamp}},Imported mouse,4,19.90\n",
            tests=ok()
            + '\npm.test("nothing written", () => pm.expect(pm.response.json().dry_run).to.be.true);',
        ),
        request(
            "Import CSV",
            "POST",
            "/inventory/import",
            content_type="text/csv",
            raw="sku,item_name,quantity,price\nPMI-{{$timestamp}},Imported mouse,4,19.90\n",
            tests=ok()
            + '\npm.test("one created", () => pm.expect(pm.response.json().created).to.eql(1));',
        ),
        request(
            "History of the item",
            "GET",
            "/history?item_id={{itemId}}",
            tests=ok(200, "History retrieved successfully!")
            + '\npm.test("newest first", () => pm.expect(pm.response.json().history[0].action_type).to.eql("stock"));',
        ),
        request(
            "Everyone's items (staff may not)",
            "GET",
            "/inventory?all=true",
            tests=failed(403),
        ),
        request(
            "Delete the item",
            "DELETE",
            "/inventory/{{itemId}}",
            tests=ok(200, "Item deleted successfully!"),
        ),
        request("The item is gone", "GET", "/inventory/{{itemId}}", tests=failed(404)),
        request(
            "Log out", "POST", "/logout", tests=ok(200, "Logged out successfully!")
        ),
        request("Logged out", "GET", "/me", tests=failed(401)),
    ],
)

COLLECTION = {
    "info": {
        "name": "Inventory API",
        "description": "Every endpoint in order, with tests. Set baseUrl (default "
        "http://localhost:5000) and an admin's adminUsername/adminPassword "
        "(flask create-admin); scripts/postman.sh sets all three for the admin of "
        "the live server it starts. The collection registers its own user with a "
        "generated password.",
        "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    "variable": [
        {"key": "baseUrl", "value": "http://localhost:5000"},
        {"key": "adminUsername", "value": "admin"},
        {"key": "adminPassword", "value": ""},
    ],
    "item": [getting_started, account, admin, inventory],
}

if __name__ == "__main__":
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(json.dumps(COLLECTION, indent=2) + "\n", encoding="utf-8")
    print(f"Wrote {OUTPUT}")
