"""The Postman collection's building blocks: a request with its tests, a folder.

scripts/build_postman_collection.py explains what the collection is for.
"""

import json

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


def failed(status: int, message: str | None = None) -> str:
    """Tests for an error: status, the error envelope, its timestamp and message."""
    tests = (
        f'pm.test("status is {status}", () => pm.response.to.have.status({status}));\n'
        'pm.test("error envelope", () => {\n'
        "  const body = pm.response.json();\n"
        '  pm.expect(body.status).to.eql("failed");\n'
        '  pm.expect(body.message).to.be.a("string");\n'
        '  pm.expect(body.errors).to.be.an("array");\n'
        "});\n" + TIMESTAMP_TEST
    )
    if message is not None:
        tests += (
            f'\npm.test("says {message}", () => '
            f"pm.expect(pm.response.json().message).to.eql({json.dumps(message)}));"
        )
    return tests


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
    """Return one Postman request: ``body`` is sent as JSON, ``raw`` as is."""
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
    """Return a Postman folder: one chapter of the scenario."""
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
    "expiry_date": "{{expiryDate}}",
    "metadata": {"tags": ["Electronics"], "specifications": {"ram_gb": 16}},
}
USER_LOGIN = {"username": "{{username}}", "password": "{{password}}"}
ADMIN_LOGIN = {"username": "{{adminUsername}}", "password": "{{adminPassword}}"}
ADMIN_VARIABLES_SET = (
    'if (!pm.variables.get("adminPassword")) {\n'
    '  throw new Error("Set adminUsername and adminPassword on the collection '
    '(an admin made with flask create-admin); scripts/postman.sh sets them.");\n}'
)
