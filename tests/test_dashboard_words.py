"""The pages tell history in words: names for ids, money, dates, "sold 3"."""

from datetime import date, timedelta

import pytest

from dashboard.history_words import REASON_WORDS
from field_types import LEDGER_REASONS
from tests.helpers import AuthActions, item_payload, make_category, make_supplier


@pytest.fixture
def lamp(logged_in):
    """A lamp moved from Kitchen to Outdoor, repriced, and sold, received, counted."""
    client = logged_in
    kitchen = make_category(client, "Kitchen")["id"]
    outdoor = make_category(client, "Outdoor")["id"]
    acme = make_supplier(client, "Acme")["id"]
    payload = item_payload(item_name="Lamp", quantity=10, price=5, category_id=kitchen)
    item_id = client.post("/inventory", json=payload).get_json()["item_id"]
    changed = client.patch(
        f"/inventory/{item_id}",
        json={
            "category_id": outdoor,
            "supplier_id": acme,
            "price": 6.5,
            "expiry_date": "2026-12-31",
        },
    )
    assert changed.status_code == 200, changed.get_json()
    for body in (
        {"reason": "sale", "change": -3},
        {"reason": "purchase", "change": 12, "note": "Monday's van"},
        {"reason": "count", "quantity": 7},
        {"reason": "adjustment", "change": -2},
        {"reason": "return", "change": 1},
    ):
        moved = client.post(f"/inventory/{item_id}/stock", json=body)
        assert moved.status_code == 200, moved.get_json()
    return item_id


MOVEMENTS = ["sold 3", "received 12", "counted 7", "wrote off 2", "returned 1"]
CHANGES = [
    "category: Kitchen → Outdoor",
    "supplier: none → Acme",
    "price: 5.00 → 6.50",
    "expiry date: none → 31 Dec 2026",
]
CODES = ["category_id", "supplier_id", "expiry_date", "None", "moved stock"]


def test_history_shows_names_money_dates_and_movements_in_words(client, lamp):
    page = client.get("/app/history").get_data(as_text=True)
    for words in [*CHANGES, "note: Monday&#39;s van"]:
        assert words in page
    for words in MOVEMENTS:
        assert f"{words} of <a" in page
    for code in CODES:
        assert code not in page


def test_the_home_page_tells_the_latest_changes_in_the_same_words(client, lamp):
    page = client.get("/app/").get_data(as_text=True)
    latest = page.split('id="changes-heading"')[1]
    for words in MOVEMENTS:
        assert words in latest
    for code in CODES:
        assert code not in latest


def test_the_item_pages_history_says_what_happened_in_words(client, lamp):
    page = client.get(f"/app/items/{lamp}").get_data(as_text=True)
    history = page.split('id="item-history-heading"')[1]
    for words in MOVEMENTS:
        assert f"{words} of <a" in history
    assert "category: Kitchen → Outdoor" in history


def test_a_deleted_category_is_named_as_such(client, logged_in):
    tools = make_category(client, "Tools")["id"]
    item_id = client.post(
        "/inventory", json=item_payload(category_id=tools)
    ).get_json()["item_id"]
    client.patch(f"/inventory/{item_id}", json={"category_id": None})
    assert client.delete(f"/categories/{tools}").status_code == 200
    page = client.get("/app/history").get_data(as_text=True)
    assert "category: a deleted category → none" in page


def test_logins_do_not_crowd_changes_off_the_home_page(client, logged_in):
    client.post("/inventory", json=item_payload(item_name="Lamp"))
    for _ in range(10):
        AuthActions(client).logout()
        AuthActions(client).login()
    page = client.get("/app/").get_data(as_text=True)
    latest = page.split('id="changes-heading"')[1]
    assert "created item <a" in latest and "Lamp" in latest
    assert "logged in" not in latest and "logged out" not in latest
    # The history page keeps them, and filters them by their own words.
    history = client.get("/app/history?action_type=login").get_data(as_text=True)
    assert history.count("logged in") == 11


def test_the_history_filters_offer_words_not_codes(client, logged_in):
    page = client.get("/app/history").get_data(as_text=True)
    form = page.split('class="filters"')[1].split("</form>")[0]
    assert '<option value="stock">Stock movements</option>' in form
    assert '<option value="category">Categories</option>' in form
    for code in (">stock<", ">update<", ">category<", "Item id"):
        assert code not in form


def test_history_filtered_by_item_names_it_instead_of_asking_for_an_id(client, lamp):
    page = client.get(f"/app/history?item_id={lamp}").get_data(as_text=True)
    assert "Only Lamp." in page
    assert f'type="hidden" name="item_id" value="{lamp}"' in page


def test_first_steps_point_to_the_members_page_not_an_api_call(client, logged_in):
    page = client.get("/app/").get_data(as_text=True)
    steps = page.split('class="first-steps"')[1].split("</article>")[0]
    assert 'href="/app/members"' in steps and "member list" in steps
    assert "POST" not in steps and "/teams/" not in steps


def test_registering_says_the_account_was_created_on_the_login_page(client):
    page = client.get("/app/register").get_data(as_text=True)
    assert 'data-done="Your account is created. Log in with it to start."' in page
    assert 'data-next="/app/login"' in page


def test_the_home_page_writes_expiry_dates_as_dates(client, logged_in):
    soon = date.today() + timedelta(days=3)
    client.post("/inventory", json=item_payload(expiry_date=soon.isoformat()))
    page = client.get("/app/").get_data(as_text=True)
    assert f"({soon.day} {soon:%b %Y})" in page
    assert soon.isoformat() + ")" not in page


def test_member_changes_read_as_adding_and_removing_people(client, logged_in, bob):
    team_id = client.get("/me").get_json()["team"]["id"]
    added = client.post(f"/teams/{team_id}/members", json={"username": "bob"})
    bob_id = added.get_json()["member"]["user_id"]
    client.patch(f"/teams/{team_id}/members/{bob_id}", json={"role": "clerk"})
    client.delete(f"/teams/{team_id}/members/{bob_id}")
    page = client.get("/app/history").get_data(as_text=True)
    assert "added member bob" in page and "role: Staff" in page
    assert "changed the role of bob" in page and "role: Staff → Clerk" in page
    assert "removed member bob" in page


def test_the_item_ledger_names_each_reason_in_words(client, lamp):
    page = client.get(f"/app/items/{lamp}").get_data(as_text=True)
    ledger = page.split('id="stock-heading"')[1].split("</table>")[0]
    for words in ("opening stock", "sale", "delivery", "stock count", "return"):
        assert f"<td>{words}</td>" in ledger
    assert "<td>purchase</td>" not in ledger and "<td>opening</td>" not in ledger


def test_every_ledger_reason_has_words():
    assert set(REASON_WORDS) == set(LEDGER_REASONS)
