"""Listing items: only the caller's team's, paged, with a total kept exact."""

import pytest
from sqlalchemy import delete, func, select

from extensions import db
from models import Item, Membership


def test_list_shows_only_the_callers_items(logged_in, other_client, make_item):
    mine = make_item(logged_in, item_name="Mine")
    make_item(other_client, item_name="Bobs")
    body = logged_in.get("/inventory").get_json()
    assert body["status"] == "successful"
    assert body["items"] == [mine]
    assert body["pagination"] == {"page": 1, "per_page": 50, "total": 1, "pages": 1}


def test_list_is_paginated(logged_in, make_item):
    for number in range(7):
        make_item(logged_in, item_name=f"Item {number}")
    body = logged_in.get("/inventory?page=2&per_page=3").get_json()
    assert [item["item_name"] for item in body["items"]] == [
        "Item 3",
        "Item 4",
        "Item 5",
    ]
    assert body["pagination"] == {"page": 2, "per_page": 3, "total": 7, "pages": 3}
    past_the_end = logged_in.get("/inventory?page=9&per_page=3").get_json()
    assert past_the_end["items"] == []


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=-1",
        "page=abc",
        "page=10000000000000000000000",
        "per_page=0",
        "per_page=101",
        "per_page=1.5",
        "per_page=",
        "sort_by=name",
    ],
)
def test_bad_paging_parameters_are_400(logged_in, query):
    response = logged_in.get(f"/inventory?{query}")
    assert response.status_code == 400
    body = response.get_json()
    assert body["message"] == "Invalid query parameters."
    assert body["errors"][0]["field"] == query.split("=")[0]


def test_the_full_list_of_a_team_left_meanwhile_is_not_shown(app, logged_in, make_item):
    # The full list reads its total from the team's row, joined with the
    # caller's membership; without the membership the team is not theirs.
    # Named by X-Team-ID it is 404; as the session's team, the session falls
    # back to a team of theirs (here a new personal one: none is left).
    make_item(logged_in, item_name="Left behind")
    team_id = logged_in.get("/me").get_json()["team"]["id"]
    with app.app_context():
        db.session.execute(delete(Membership))
        db.session.commit()
    response = logged_in.get("/inventory", headers={"X-Team-ID": str(team_id)})
    assert response.status_code == 404
    assert response.get_json()["message"] == "Team not found."
    response = logged_in.get("/inventory")
    assert response.status_code == 200
    assert response.get_json()["items"] == []
    assert logged_in.get("/me").get_json()["team"]["id"] != team_id


def test_the_per_team_item_count_stays_exact(app, logged_in, other_client, make_item):
    # An unfiltered list takes its total from teams.item_count instead of
    # counting rows: every way of creating and deleting items must keep it.
    from models import Team

    ids = [make_item(logged_in, item_name=f"Item {n}")["id"] for n in range(3)]
    imported = logged_in.post(
        "/inventory/import",
        data=b"sku,item_name,quantity,price\nCSV-1,From CSV,0,1\nCSV-2,Also CSV,4,2\n",
        content_type="text/csv",
    )
    assert imported.status_code == 200, imported.get_json()
    logged_in.delete(f"/inventory/{ids[0]}")
    logged_in.delete(f"/inventory/{ids[0]}")  # already gone: 404, no change
    make_item(other_client)
    with app.app_context():
        for team in db.session.scalars(select(Team)):
            actual = db.session.scalar(
                select(func.count()).select_from(Item).where(Item.team_id == team.id)
            )
            assert team.item_count == actual
    page = logged_in.get("/inventory?per_page=2&sort=-quantity").get_json()
    assert page["pagination"]["total"] == 4
    assert page["pagination"]["pages"] == 2
    # Filters count the matching rows instead; 0 is a filter, not "unset".
    filtered = logged_in.get("/inventory?max_quantity=0").get_json()
    assert [item["item_name"] for item in filtered["items"]] == ["From CSV"]
    assert filtered["pagination"]["total"] == 1
