"""Categories and suppliers: CRUD, validation, uniqueness, in-use protection, history."""

import pytest

RESOURCES = {
    "categories": {"singular": "category", "extra": {"description": "Hand tools"}},
    "suppliers": {
        "singular": "supplier",
        "extra": {
            "contact_name": "Ann Smith",
            "email": "sales@acme.example",
            "phone": "+1 (555) 010-0100",
            "address": "1 Main St",
        },
    },
}


@pytest.fixture(params=sorted(RESOURCES))
def resource(request):
    plural = request.param
    return {"plural": plural, **RESOURCES[plural]}


def create(client, resource, **fields):
    response = client.post(f"/{resource['plural']}", json=fields)
    assert response.status_code == 201, response.get_json()
    return response.get_json()[resource["singular"]]


def test_create_read_update_delete(admin, resource):
    plural, singular = resource["plural"], resource["singular"]
    response = admin.post(
        f"/{plural}", json={"name": "  Acme Tools ", **resource["extra"]}
    )
    assert response.status_code == 201
    entry = response.get_json()[singular]
    assert response.headers["Location"] == f"/{plural}/{entry['id']}"
    assert entry["name"] == "Acme Tools"
    assert {key: entry[key] for key in resource["extra"]} == resource["extra"]
    assert {"created_at", "updated_at"} <= set(entry)

    assert admin.get(f"/{plural}/{entry['id']}").get_json()[singular] == entry

    updated = admin.patch(f"/{plural}/{entry['id']}", json={"name": "Acme"}).get_json()
    assert updated["message"] == f"{singular.capitalize()} updated successfully!"
    assert updated[singular]["name"] == "Acme"
    # Partial: the other fields are untouched.
    assert {key: updated[singular][key] for key in resource["extra"]} == resource[
        "extra"
    ]

    deleted = admin.delete(f"/{plural}/{entry['id']}")
    assert deleted.status_code == 200
    assert admin.get(f"/{plural}/{entry['id']}").status_code == 404


def test_a_teams_staff_can_read_its_catalog_but_not_change_it(
    admin, logged_in, resource
):
    entry = create(admin, resource, name="Shared")
    team = admin.get("/me").get_json()["team"]["id"]
    added = admin.post(f"/teams/{team}/members", json={"username": "alice"})
    assert added.status_code == 201, added.get_json()
    plural, in_team = resource["plural"], {"X-Team-ID": str(team)}
    assert logged_in.get(f"/{plural}", headers=in_team).get_json()[plural] == [entry]
    assert logged_in.get(f"/{plural}/{entry['id']}", headers=in_team).status_code == 200
    refused = logged_in.patch(
        f"/{plural}/{entry['id']}", json={"name": "Mine"}, headers=in_team
    )
    assert refused.status_code == 403
    assert refused.get_json()["message"] == "This needs the team admin role."
    # In her own team the entry does not exist.
    assert logged_in.get(f"/{plural}").get_json()[plural] == []
    assert logged_in.get(f"/{plural}/{entry['id']}").status_code == 404


def test_list_is_sorted_paginated_and_searchable(admin, resource):
    plural = resource["plural"]
    for name in ("delta", "Alpha", "charlie", "Bravo", "100% cotton"):
        create(admin, resource, name=name)
    body = admin.get(f"/{plural}?per_page=2&page=2").get_json()
    assert [entry["name"] for entry in body[plural]] == ["Bravo", "charlie"]
    assert body["pagination"] == {"page": 2, "per_page": 2, "total": 5, "pages": 3}
    assert [e["name"] for e in admin.get(f"/{plural}?q=HARL").get_json()[plural]] == [
        "charlie"
    ]
    # LIKE wildcards in the search text are taken literally.
    assert [e["name"] for e in admin.get(f"/{plural}?q=%25").get_json()[plural]] == [
        "100% cotton"
    ]
    assert admin.get(f"/{plural}?q=_").get_json()[plural] == []


@pytest.mark.parametrize("name", ["Tools", "TOOLS", " tools "])
def test_names_are_unique_ignoring_case(admin, resource, name):
    create(admin, resource, name="Tools")
    response = admin.post(f"/{resource['plural']}", json={"name": name})
    assert response.status_code == 409
    assert response.get_json()["errors"][0]["field"] == "name"


def test_renaming_onto_another_name_is_409_but_keeping_ones_own_is_fine(
    admin, resource
):
    plural = resource["plural"]
    create(admin, resource, name="Tools")
    other = create(admin, resource, name="Paint")
    assert (
        admin.put(f"/{plural}/{other['id']}", json={"name": "tools"}).status_code == 409
    )
    assert (
        admin.put(f"/{plural}/{other['id']}", json={"name": "PAINT"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 5}, "name"),
        ({}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
    ],
)
def test_create_rejects_bad_fields(admin, resource, body, field):
    response = admin.post(f"/{resource['plural']}", json=body)
    assert response.status_code == 400
    assert field in [error["field"] for error in response.get_json()["errors"]]
    assert admin.get(f"/{resource['plural']}").get_json()["pagination"]["total"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Acme", "email": "not-an-email"}, "email"),
        ({"name": "Acme", "phone": "call me"}, "phone"),
        ({"name": "Acme", "phone": "12"}, "phone"),
        ({"name": "Acme", "contact_name": "x" * 101}, "contact_name"),
        ({"name": "Acme", "address": "x" * 501}, "address"),
    ],
)
def test_supplier_fields_are_validated(admin, body, field):
    response = admin.post("/suppliers", json=body)
    assert response.status_code == 400
    assert [error["field"] for error in response.get_json()["errors"]] == [field]


def test_category_description_is_validated(admin):
    response = admin.post(
        "/categories", json={"name": "Tools", "description": "x" * 501}
    )
    assert response.status_code == 400


def test_name_cannot_be_nulled(admin, resource):
    entry = create(admin, resource, name="Tools")
    response = admin.patch(f"/{resource['plural']}/{entry['id']}", json={"name": None})
    assert response.status_code == 400


def test_deleting_an_entry_in_use_is_409_with_the_count(logged_in, resource, make_item):
    admin = logged_in  # the admin of her own team
    entry = create(admin, resource, name="Tools")
    link = f"{resource['singular']}_id"
    items = [make_item(logged_in, **{link: entry["id"]}) for _ in range(3)]
    response = admin.delete(f"/{resource['plural']}/{entry['id']}")
    assert response.status_code == 409
    assert "3 items use it" in response.get_json()["message"]
    for item in items[:2]:
        logged_in.patch(f"/inventory/{item['id']}", json={link: None})
    response = admin.delete(f"/{resource['plural']}/{entry['id']}")
    assert "1 item uses it" in response.get_json()["message"]
    logged_in.delete(f"/inventory/{items[2]['id']}")
    assert admin.delete(f"/{resource['plural']}/{entry['id']}").status_code == 200


@pytest.mark.parametrize("entry_id", [999, 10**30])
def test_missing_entries_are_404(admin, resource, entry_id):
    for method in ("get", "put", "delete"):
        response = getattr(admin, method)(
            f"/{resource['plural']}/{entry_id}", json={"name": "x"}
        )
        assert response.status_code == 404
        assert (
            response.get_json()["message"]
            == f"{resource['singular'].capitalize()} not found."
        )


def test_every_catalog_change_writes_history(admin, resource):
    plural, singular = resource["plural"], resource["singular"]
    entry = create(admin, resource, name="Tools")
    admin.patch(f"/{plural}/{entry['id']}", json={"name": "Hand tools"})
    admin.delete(f"/{plural}/{entry['id']}")
    rows = admin.get(f"/history?entity_type={singular}").get_json()["history"]
    assert [(r["action_type"], r["entity_id"], r["entity_name"]) for r in rows] == [
        ("delete", entry["id"], "Hand tools"),
        ("update", entry["id"], "Hand tools"),
        ("create", entry["id"], "Tools"),
    ]
    assert rows[1]["changes"] == {"name": ["Tools", "Hand tools"]}
    assert all(row["item_id"] is None for row in rows)


def test_rejected_catalog_changes_write_no_history(admin, logged_in, resource):
    create(admin, resource, name="Tools")
    before = admin.get("/history").get_json()["pagination"]["total"]
    admin.post(f"/{resource['plural']}", json={"name": "tools"})
    logged_in.post(f"/{resource['plural']}", json={"name": "Other"})
    admin.post(f"/{resource['plural']}", json={"name": ""})
    assert admin.get("/history").get_json()["pagination"]["total"] == before
