"""Unicode-aware case on both backends, though SQLite's own lower() and LIKE fold ASCII only."""

import pytest

from models import History
from tests.helpers import AuthActions, count

# --- Unicode case --------------------------------------------------------------

# Pairs that differ only in case, beyond ASCII: É/é, Ä/ä, ß/SS, and capital
# sigma with both its lower-case forms (one inside a word, one at its end).
SAME_IGNORING_CASE = [
    ("ÉPICES", "épices"),
    ("ÄPFEL", "äpfel"),
    ("Straße", "STRASSE"),
    ("Straße", "strasse"),
    ("ΟΔΟΣ", "οδος"),
    ("ΟΔΟΣ", "οδοσ"),
    ("οδος", "οδοσ"),
    # The same letter, composed (U+00E9) or as e plus a combining accent.
    ("Café", "Cafe\u0301"),
]


@pytest.mark.parametrize("resource", ["categories", "suppliers"])
@pytest.mark.parametrize(("first", "second"), SAME_IGNORING_CASE)
def test_catalog_names_are_unique_ignoring_unicode_case(admin, resource, first, second):
    assert admin.post(f"/{resource}", json={"name": first}).status_code == 201
    response = admin.post(f"/{resource}", json={"name": second})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "name"
    other = admin.post(f"/{resource}", json={"name": "Other"}).get_json()
    other_id = other["category" if resource == "categories" else "supplier"]["id"]
    response = admin.patch(f"/{resource}/{other_id}", json={"name": second})
    assert response.status_code == 409, response.get_json()


def test_a_catalog_entry_may_change_the_case_of_its_own_name(admin):
    entry = admin.post("/categories", json={"name": "straße"}).get_json()["category"]
    response = admin.patch(f"/categories/{entry['id']}", json={"name": "STRASSE"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["category"]["name"] == "STRASSE"


def test_different_names_stay_different(admin):
    # Folding is not accent stripping: "épices" and "epices" are two names.
    for name in ("épices", "epices", "Ä", "A"):
        assert admin.post("/categories", json={"name": name}).status_code == 201


@pytest.mark.parametrize(
    ("stored", "searches"),
    [
        ("CAFÉ", ["café", "CAFÉ", "afé", "Cafe\u0301"]),
        ("café", ["CAFÉ"]),
        ("ÄPFEL", ["äpfel", "äp"]),
        ("Straße", ["STRASSE", "strasse", "straße", "SS"]),
        ("STRASSE", ["straße", "ß"]),
        ("ΟΔΟΣ", ["οδος", "οδοσ", "ΟΔΟΣ", "Σ", "ς"]),
        ("οδος", ["ΟΔΟΣ", "\u03c3"]),  # small sigma
    ],
)
def test_item_search_ignores_unicode_case_in_name_description_and_sku(
    logged_in, make_item, stored, searches
):
    make_item(logged_in, item_name=stored, description=None)
    make_item(logged_in, item_name="Other", description=f"About {stored}.")
    make_item(logged_in, item_name="Unrelated", description="Nothing")
    for search in searches:
        response = logged_in.get("/inventory", query_string={"q": search})
        assert response.status_code == 200, response.get_json()
        found = [item["item_name"] for item in response.get_json()["items"]]
        assert found == [stored, "Other"], search


def test_a_search_does_not_match_across_two_fields(logged_in, make_item):
    make_item(logged_in, item_name="Ham", description="mer", sku="X-1")
    for search in ("ham", "mer", "x-1"):
        response = logged_in.get("/inventory", query_string={"q": search})
        assert len(response.get_json()["items"]) == 1, search
    response = logged_in.get("/inventory", query_string={"q": "hammer"})
    assert response.get_json()["items"] == []


def test_item_search_follows_every_kind_of_change(logged_in, make_item):
    item = make_item(logged_in, item_name="Plain", sku="P-1")

    def found(search: str) -> bool:
        response = logged_in.get("/inventory", query_string={"q": search})
        return bool(response.get_json()["items"])

    logged_in.patch(f"/inventory/{item['id']}", json={"item_name": "GRÜSSE"})
    assert found("grüße") and not found("plain")
    logged_in.patch(f"/inventory/{item['id']}", json={"description": "ΣΟΦΙΑ"})
    assert found("σοφια") and found("grüße")
    logged_in.post(
        f"/inventory/{item['id']}/stock", json={"reason": "sale", "change": -1}
    )
    assert found("σοφια")
    logged_in.patch(f"/inventory/{item['id']}", json={"sku": None})
    assert not found("p-1") and found("grüsse")


@pytest.mark.parametrize(
    ("tags", "searches"),
    [
        (["Straße"], ["STRASSE", "strasse", "straße"]),
        (["ÄPFEL"], ["äpfel", "Äpfel"]),
        (["ΟΔΟΣ"], ["οδος", "οδοσ"]),
    ],
)
def test_the_tag_filter_ignores_unicode_case(logged_in, make_item, tags, searches):
    make_item(logged_in, item_name="Tagged", metadata={"tags": tags})
    make_item(logged_in, item_name="Other", metadata={"tags": ["other"]})
    for search in searches:
        response = logged_in.get("/inventory", query_string={"tag": search})
        assert response.status_code == 200, response.get_json()
        found = [item["item_name"] for item in response.get_json()["items"]]
        assert found == ["Tagged"], search


def test_tags_differing_only_in_case_are_one_tag(logged_in, make_item):
    item = make_item(
        logged_in, metadata={"tags": ["Straße", "STRASSE", "ΟΔΟΣ", "οδοσ"]}
    )
    # Shown lower-case as first given; the second spelling is a duplicate.
    assert item["metadata"]["tags"] == ["straße", "οδος"]


@pytest.mark.parametrize(
    ("resource", "fields", "search"),
    [
        ("categories", {"name": "ÉPICES"}, "épices"),
        ("categories", {"name": "Spices", "description": "Gewürze, süß"}, "SÜSS"),
        ("suppliers", {"name": "Großhandel"}, "GROSSHANDEL"),
        ("suppliers", {"name": "Acme", "contact_name": "ΣΩΚΡΑΤΗΣ"}, "σωκρατης"),
    ],
)
def test_catalog_search_ignores_unicode_case(admin, resource, fields, search):
    admin.post(f"/{resource}", json=fields)
    admin.post(f"/{resource}", json={"name": "Unrelated"})
    response = admin.get(f"/{resource}", query_string={"q": search})
    assert response.status_code == 200, response.get_json()
    assert [entry["name"] for entry in response.get_json()[resource]] == [
        fields["name"]
    ]


def test_user_search_folds_the_query(admin, client):
    AuthActions(client).register("strasse_fan")
    for search in ("STRASSE", "straße"):
        response = admin.get("/users", query_string={"q": search})
        names = [user["username"] for user in response.get_json()["users"]]
        assert names == ["strasse_fan"], search


def test_csv_import_finds_catalog_names_ignoring_unicode_case(logged_in, app):
    category = logged_in.post("/categories", json={"name": "Straße"}).get_json()
    supplier = logged_in.post("/suppliers", json={"name": "ΟΔΟΣ"}).get_json()
    data = "item_name,quantity,price,category,supplier\nMap,1,2,STRASSE,οδος\n"
    response = logged_in.post(
        "/inventory/import", data=data.encode(), content_type="text/csv"
    )
    assert response.status_code == 200, response.get_json()
    item = logged_in.get("/inventory").get_json()["items"][0]
    assert item["category_id"] == category["category"]["id"]
    assert item["supplier_id"] == supplier["supplier"]["id"]
    # History stayed in step with what was imported.
    assert count(app, History) > 0
