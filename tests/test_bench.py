"""The bench's import scenario must send an import the API applies in full.

``make bench`` reports how long an import at the cap takes and how long a
single write waits meanwhile (bench/csv_import.py). Those figures only mean
something if the import is valid and every row is created, so the CSV it
builds and the measurement itself are checked here, on a few rows. No timing
is asserted: the machine running the tests says nothing about speed.
"""

import csv
import io

from bench.csv_import import csv_body, measure_import, register_and_log_in, statuses


def test_the_import_csv_is_applied_in_full(logged_in):
    response = logged_in.post(
        "/inventory/import", data=csv_body(5), content_type="text/csv"
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["message"] == (
        "Import applied: created 5 items, updated 0 and left 0 unchanged."
    )
    assert (body["created"], body["updated"], body["unchanged"]) == (5, 0, 0)
    items = logged_in.get("/inventory").get_json()["items"]
    assert [item["sku"] for item in items] == [f"IMPORT-0000{n}" for n in range(1, 6)]


def test_an_import_at_the_cap_fits_in_one_request(app):
    body = csv_body(10_000)
    assert len(body) < app.config["MAX_CONTENT_LENGTH"]
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 10_000
    assert len({row["sku"] for row in rows}) == 10_000


def test_the_import_scenario_measures_an_applied_import(live_server):
    importer = register_and_log_in(live_server, "importer")
    writer = register_and_log_in(live_server, "writer")

    result = measure_import(live_server, importer, writer, rows=20, alone_seconds=0.2)

    assert (result.status, result.created, result.rows) == (200, 20, 20)
    assert result.seconds > 0
    assert result.alone, "the single writes were not timed alone"
    # Every single write succeeded, alone and while the import ran.
    assert set(statuses(result.alone + result.during)) == {201}
