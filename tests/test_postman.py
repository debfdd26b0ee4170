"""The Postman collection covers every documented operation and is up to date."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLLECTION = ROOT / "docs" / "postman_collection.json"


def collection_requests():
    def walk(items):
        for item in items:
            if "item" in item:
                yield from walk(item["item"])
            else:
                yield item["request"]

    return list(walk(json.loads(COLLECTION.read_text())["item"]))


def test_every_documented_operation_is_in_the_collection(client):
    document = client.get("/openapi.json").get_json()
    covered = set()
    for request in collection_requests():
        path = "/" + "/".join(request["url"]["path"])
        covered.add((request["method"], path))
    for path, operations in document["paths"].items():
        segments = (
            "[^/]+" if part.startswith("{") else re.escape(part)
            for part in path.split("/")
        )
        pattern = re.compile("/".join(segments) + "$")
        for method in operations:
            assert any(m == method.upper() and pattern.match(p) for m, p in covered), (
                method,
                path,
            )


def test_every_request_has_tests():
    for request in collection_requests():
        assert request["url"]["raw"].startswith("{{baseUrl}}")
    items = json.loads(COLLECTION.read_text())
    scripts = json.dumps(items)
    assert scripts.count('"listen": "test"') == len(collection_requests())


def test_the_committed_collection_matches_its_generator(tmp_path):
    generated = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy, json; m = runpy.run_path('scripts/build_postman_collection.py'); print(json.dumps(m['COLLECTION'], indent=2))",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(generated) == json.loads(COLLECTION.read_text()), (
        "docs/postman_collection.json is stale: run python scripts/build_postman_collection.py"
    )


def collection_items():
    def walk(items):
        for item in items:
            if "item" in item:
                yield from walk(item["item"])
            else:
                yield item

    return list(walk(json.loads(COLLECTION.read_text())["item"]))


def script(item, listen: str) -> str:
    return "\n".join(
        line
        for event in item["event"]
        if event["listen"] == listen
        for line in event["script"]["exec"]
    )


def test_every_envelope_answer_is_checked_for_its_timestamp():
    for item in collection_items():
        tests = script(item, "test")
        if "envelope" in tests:
            assert 'pm.test("UTC timestamp"' in tests, item["name"]


# The original API's answers (its README), which its clients may match on.
ORIGINAL_MESSAGES = {
    ("POST", "/register"): "User registered successfully!",
    ("POST", "/login"): "Login successful!",
    ("POST", "/logout"): "Logged out successfully!",
    ("POST", "/inventory"): "Item created successfully!",
    ("GET", "/inventory"): "Items retrieved successfully!",
    ("GET", "/inventory/{{itemId}}"): "Item retrieved successfully!",
    ("PUT", "/inventory/{{itemId}}"): "Item updated successfully!",
    ("DELETE", "/inventory/{{itemId}}"): "Item deleted successfully!",
}


def test_the_originals_messages_are_asserted():
    checked = set()
    for item in collection_items():
        request = item["request"]
        key = (request["method"], "/" + "/".join(request["url"]["path"]))
        if key in ORIGINAL_MESSAGES and ORIGINAL_MESSAGES[key] in script(item, "test"):
            checked.add(key)
    assert checked == set(ORIGINAL_MESSAGES)


def test_no_password_is_written_into_the_collection():
    # The run's own user gets a generated password; the admin's comes from
    # variables that scripts/postman.sh (or the Postman user) fills in.
    collection = json.loads(COLLECTION.read_text())
    variables = {v["key"]: v["value"] for v in collection["variable"]}
    assert variables["adminPassword"] == ""
    (register,) = [i for i in collection_items() if i["name"] == "Register"]
    assert "Math.random()" in script(register, "prerequest")
    assert "postman-pass" not in json.dumps(collection)  # the old fixed one
    postman_sh = (ROOT / "scripts" / "postman.sh").read_text()
    assert '--env-var "adminPassword=$LIVE_ADMIN_PASSWORD"' in postman_sh
