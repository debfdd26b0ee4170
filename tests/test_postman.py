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
