"""The teams' stock totals, kept by triggers, always equal a fresh count.

Every way an item changes is exercised (create, edit, movement, count, CSV
import, status change, delete, a team deleted), and after each step the
totals on the teams row must equal what counting the items gives.
"""

from sqlalchemy import text

from domain.stock_totals import TOTAL_COLUMNS
from extensions import db
from tests.helpers import item_payload

FRESH = text(
    """
    SELECT
      count(*) FILTER (WHERE status = 'active') AS active_items,
      count(*) FILTER (WHERE status = 'active' AND quantity = 0) AS out_of_stock_items,
      count(*) FILTER (WHERE status = 'active' AND quantity <= reorder_level)
        AS low_stock_items,
      COALESCE(sum(quantity * COALESCE(cost_price_cents, 0))
        FILTER (WHERE status = 'active'), 0) AS value_at_cost_cents,
      COALESCE(sum(quantity * price_cents) FILTER (WHERE status = 'active'), 0)
        AS value_at_price_cents
    FROM inventory WHERE team_id = :team
    """
)


def totals(app, team_id: int) -> tuple[dict, dict]:
    """Return (kept, counted) totals of the team."""
    with app.app_context():
        kept = (
            db.session.execute(
                text(f"SELECT {', '.join(TOTAL_COLUMNS)} FROM teams WHERE id = :team"),
                {"team": team_id},
            )
            .one()
            ._asdict()
        )
        counted = db.session.execute(FRESH, {"team": team_id}).one()._asdict()
    return kept, counted


def test_every_kind_of_change_keeps_the_totals_exact(app, client, logged_in):
    team = client.get("/me").get_json()["team"]["id"]

    def check(expected_active: int | None = None) -> dict:
        kept, counted = totals(app, team)
        assert kept == counted
        if expected_active is not None:
            assert kept["active_items"] == expected_active
        return kept

    assert check(0)["value_at_price_cents"] == 0
    first = client.post(
        "/inventory",
        json=item_payload(quantity=4, price=2.5, cost_price=1.25, reorder_level=5),
    ).get_json()["item"]
    kept = check(1)
    assert kept == {
        "active_items": 1,
        "out_of_stock_items": 0,
        "low_stock_items": 1,
        "value_at_cost_cents": 500,
        "value_at_price_cents": 1000,
    }
    second = client.post(
        "/inventory", json=item_payload(item_name="Mouse", quantity=0)
    ).get_json()["item"]
    assert check(2)["out_of_stock_items"] == 1

    headers = {"If-Match": f'"{first["version"]}"'}
    assert (
        client.patch(
            f"/inventory/{first['id']}",
            json={"price": 3, "reorder_level": 1},
            headers=headers,
        ).status_code
        == 200
    )
    assert check(2)["low_stock_items"] == 1  # only the empty Mouse now
    assert (
        client.post(
            f"/inventory/{first['id']}/stock", json={"reason": "sale", "change": -4}
        ).status_code
        == 200
    )
    assert check(2)["out_of_stock_items"] == 2
    assert (
        client.post(
            f"/inventory/{second['id']}/stock", json={"reason": "count", "quantity": 7}
        ).status_code
        == 200
    )
    check(2)
    assert (
        client.patch(
            f"/inventory/{second['id']}", json={"status": "inactive"}
        ).status_code
        == 200
    )
    check(1)
    imported = client.post(
        "/inventory/import",
        data="item_name,quantity,price,cost_price\r\nA,2,1.00,0.50\r\nB,0,9.99,\r\n",
        content_type="text/csv",
    )
    assert imported.status_code == 200, imported.get_json()
    assert check(3)["value_at_cost_cents"] == 100
    assert client.delete(f"/inventory/{first['id']}").status_code == 200
    check(2)


def test_deleting_a_team_takes_its_totals_with_it(app, client, logged_in):
    created = client.post("/teams", json={"name": "Pop-up"}).get_json()["team"]["id"]
    assert client.post(f"/teams/{created}/switch").status_code == 200
    item = client.post("/inventory", json=item_payload()).get_json()["item"]
    kept, counted = totals(app, created)
    assert kept == counted and kept["active_items"] == 1
    assert client.delete(f"/inventory/{item['id']}").status_code == 200
    assert client.delete(f"/teams/{created}").status_code == 200
    with app.app_context():
        assert (
            db.session.execute(
                text("SELECT count(*) FROM teams WHERE id = :team"), {"team": created}
            ).scalar()
            == 0
        )
