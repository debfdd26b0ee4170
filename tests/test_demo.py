"""flask seed-demo: a living system in one command."""

from demo_data import DEMO_PASSWORD
from tests.conftest import AuthActions


def test_seed_demo_creates_a_consistent_living_system(app):
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo" in result.output
    client = app.test_client()
    assert AuthActions(client).login("demo", DEMO_PASSWORD).status_code == 200

    listed = client.get("/inventory?per_page=100").get_json()
    items = listed["items"]
    assert len(items) == 21 == listed["pagination"]["total"]
    assert all(
        item["category_name"] and item["supplier_name"] and item["sku"]
        for item in items
    )
    assert client.get("/categories").get_json()["pagination"]["total"] == 5
    assert client.get("/suppliers").get_json()["pagination"]["total"] == 4
    for item in items:
        ledger = client.get(f"/inventory/{item['id']}/movements?verify=true").get_json()
        assert ledger["verification"]["holds"] is True
        assert ledger["pagination"]["total"] >= 1
    alerts = client.get("/alerts/low-stock").get_json()["alerts"]
    assert alerts, "some demo items should need reordering"
    assert any(alert["sold_last_30_days"] > 0 for alert in alerts)
    relative = {
        row["relative_time"]
        for row in client.get("/history?per_page=100").get_json()["history"]
    }
    assert any(text.endswith("days ago") for text in relative)


def test_seed_demo_refuses_twice_and_in_production(app, app_config):
    from app import create_app

    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code != 0 and "already exists" in again.output
    production = create_app(
        app_config | {"APP_ENV": "production", "SECRET_KEY": "k" * 32}
    )
    refused = production.test_cli_runner().invoke(args=["seed-demo"])
    assert refused.exit_code != 0 and "production" in refused.output
