"""Bugs the Schemathesis contract test found, pinned down."""

import pytest

from tests.helpers import item_payload


def test_an_unknown_method_is_405_even_with_a_csv_body(logged_in):
    response = logged_in.put("/inventory/import", data="x", content_type="text/csv")
    assert response.status_code == 405


@pytest.mark.parametrize("if_match", ['W/"", "", ""', '""', '"", "7"'])
def test_empty_etags_in_if_match_are_412_not_500(logged_in, make_item, if_match):
    item = make_item(logged_in)
    response = logged_in.post(
        f"/inventory/{item['id']}/stock",
        json={"reason": "count", "quantity": 3},
        headers={"If-Match": if_match},
    )
    assert response.status_code == 412


def test_whole_floats_count_as_integers_like_json_schema_says(logged_in):
    response = logged_in.post(
        "/inventory", json=item_payload(quantity=5.0, reorder_level=2.0)
    )
    assert response.status_code == 201
    assert response.get_json()["item"]["quantity"] == 5


@pytest.mark.parametrize("name", ["\x1d", "\x1c", "\u00a0", "\u200b"])
def test_blank_means_the_same_in_json_and_csv(logged_in, name):
    # Blank is any Unicode whitespace (str.isspace(), so \x1c-\x1f too) or
    # invisible format character, in JSON and CSV alike.
    response = logged_in.post("/inventory", json=item_payload(item_name=name))
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "item_name"
    csv_text = f"item_name,quantity,price\r\n{name},1,1.50\r\n"
    response = logged_in.post(
        "/inventory/import", data=csv_text.encode(), content_type="text/csv"
    )
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["errors"][0]["field"] == "item_name"


@pytest.mark.parametrize(
    "query", ["max_price=1.1754943508222875e-38", "min_price=2E3", "max_price=.5"]
)
def test_numbers_in_any_json_spelling_are_accepted_in_queries(logged_in, query):
    assert logged_in.get(f"/inventory?{query}").status_code == 200
