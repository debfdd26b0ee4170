"""Each team role is described in one true line, the same words everywhere (issue 24)."""

import re
from pathlib import Path

from field_types import TEAM_ROLE_DESCRIPTIONS, TEAM_ROLES

README = Path(__file__).resolve().parent.parent / "README.md"


def test_get_teams_describes_every_role_in_one_line(logged_in):
    response = logged_in.get("/teams")
    assert response.status_code == 200
    assert response.get_json()["roles"] == [
        {"role": "staff", "description": TEAM_ROLE_DESCRIPTIONS["staff"]},
        {"role": "clerk", "description": TEAM_ROLE_DESCRIPTIONS["clerk"]},
        {"role": "admin", "description": TEAM_ROLE_DESCRIPTIONS["admin"]},
    ]


def test_the_teams_response_shape_documents_the_role_lines(document):
    schemas = document["components"]["schemas"]
    assert "roles" in schemas["TeamList"]["required"]
    line = schemas["RoleLine"]
    assert set(line["properties"]) == {"role", "description"}
    assert line["properties"]["role"]["enum"] == list(TEAM_ROLES)


def test_the_document_describes_each_role_wherever_a_role_is_shown(document):
    schemas = document["components"]["schemas"]
    roles = [
        schemas["MemberAdd"]["properties"]["role"],
        schemas["MemberRoleUpdate"]["properties"]["role"],
        schemas["Member"]["properties"]["role"],
        schemas["Team"]["properties"]["role"],
    ]
    for role in roles:
        assert role["enum"] == list(TEAM_ROLES)
        for name, line in TEAM_ROLE_DESCRIPTIONS.items():
            assert f"{name}: {line}" in role["description"]


def test_the_stock_endpoint_documents_who_is_refused(document):
    refused = document["paths"]["/inventory/{item_id}/stock"]["post"]["responses"]
    examples = refused["403"]["content"]["application/json"]["examples"]
    assert examples["not_stock_writer"]["value"]["message"] == (
        "Recording stock needs the clerk or admin team role."
    )


def test_the_readme_role_table_says_the_same_lines():
    text = README.read_text()
    for role, line in TEAM_ROLE_DESCRIPTIONS.items():
        assert re.search(rf"^\| `{role}` \| {re.escape(line)} \|$", text, re.M), role
