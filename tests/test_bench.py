"""The bench's own machinery: the import scenario and the comparison with a base.

``make bench`` reports how long an import at the cap takes and how long a
single write waits meanwhile (bench/csv_import.py). Those figures only mean
something if the import is valid and every row is created, so the CSV it
builds and the measurement itself are checked here, on a few rows.

``make bench BASE=<ref>`` checks the base out into a temporary git worktree
and compares each scenario's requests per second (bench/compare.py): the
checkout must be the base's code and must never outlive the run, and a loss
must be flagged exactly past 5%. No timing is asserted: the machine running
the tests says nothing about speed.
"""

import csv
import io
import runpy
import sqlite3
import subprocess
import time
from contextlib import nullcontext

import psycopg
import pytest

from bench import scale_out, servers
from bench.compare import base_worktree, best, change_percent, loses, worktree_paths
from bench.csv_import import csv_body, measure_import, register_and_log_in, statuses
from bench.databases import settle
from bench.scenarios import READS, WRITES
from bench.servers import PAIRED_ROUNDS, alternating
from tests.helpers import TEST_DATABASE_URL


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


# Whoever runs the tests may have no git identity, or sign every commit.
IDENTITY = ["-c", "user.name=Bench", "-c", "user.email=bench@example.com"]
IDENTITY += ["-c", "commit.gpgsign=false"]


def git(repo, *args: str) -> str:
    return subprocess.run(
        ["git", *IDENTITY, *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path):
    """A throwaway repository with two commits of app.py, "first" and "second"."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "--quiet")
    for version in ("first", "second"):
        (repo / "app.py").write_text(f"{version}\n")
        git(repo, "add", "app.py")
        git(repo, "commit", "--quiet", "-m", version)
    return repo


def test_the_base_is_checked_out_at_its_commit_and_removed_afterwards(repo):
    with base_worktree("HEAD~1", repo) as checkout:
        assert (checkout / "app.py").read_text() == "first\n"
        assert checkout.resolve() in worktree_paths(repo)

    assert not checkout.exists()
    assert worktree_paths(repo) == {repo.resolve()}
    assert (repo / "app.py").read_text() == "second\n"  # the tree itself untouched


def test_the_base_checkout_is_removed_when_the_run_fails(repo):
    with pytest.raises(RuntimeError), base_worktree("HEAD", repo) as checkout:
        (checkout / "gunicorn.log").write_text("left behind by the run")
        raise RuntimeError("the bench failed")

    assert not checkout.exists()
    assert worktree_paths(repo) == {repo.resolve()}


def test_a_base_that_names_no_commit_is_refused_before_any_checkout(repo):
    with (
        pytest.raises(ValueError, match="no-such-ref"),
        base_worktree("no-such-ref", repo),
    ):
        pass  # pragma: no cover

    assert worktree_paths(repo) == {repo.resolve()}


@pytest.mark.parametrize(
    ("current_rps", "base_rps", "change", "lost"),
    [
        (150, 100, 50.0, False),
        (100, 100, 0.0, False),
        (95, 100, -5.0, False),  # exactly 5% down: still allowed
        (94.9, 100, -5.1, True),
        (40, 100, -60.0, True),
    ],
)
def test_a_change_is_a_percentage_of_the_base(current_rps, base_rps, change, lost):
    assert change_percent(current_rps, base_rps) == pytest.approx(change)
    assert loses(current_rps, base_rps) is lost


def test_the_fastest_round_of_a_side_counts():
    rounds = [{"rps": 900.0}, {"rps": 1100.0}, {"rps": 1000.0}]

    assert best(rounds) == {"rps": 1100.0}


def test_sides_take_turns_for_the_rounds_asked_and_the_best_counts():
    calls = []

    def side(name, figures):
        rounds = iter(figures)

        def measure():
            calls.append(name)
            return {"rps": next(rounds)}

        return measure

    best_rounds = alternating(
        {"base": side("base", [5, 9, 7, 6]), "current": side("current", [8, 4, 3, 2])},
        rounds=4,
    )

    # The order flips every round, so neither side always goes first.
    assert calls == ["base", "current", "current", "base"] * 2
    assert best_rounds == {"base": {"rps": 9}, "current": {"rps": 8}}


def test_sides_held_to_a_target_take_more_rounds_than_the_other_parts(monkeypatch):
    # 5% is the base comparison's tolerance, 0.7x the scale-out part's share,
    # and single rounds spread over about 10% on the bench machine: both
    # default to 4 rounds.
    monkeypatch.delenv("BENCH_ROUNDS", raising=False)
    fresh = runpy.run_path(servers.__file__)
    assert (fresh["ROUNDS"], fresh["PAIRED_ROUNDS"]) == (2, 4)
    monkeypatch.setenv("BENCH_ROUNDS", "3")
    fresh = runpy.run_path(servers.__file__)
    assert (fresh["ROUNDS"], fresh["PAIRED_ROUNDS"]) == (3, 3)


def test_the_scale_out_part_measures_each_scenario_in_paired_rounds(
    monkeypatch, tmp_path
):
    # Everything but the measuring is stubbed: no servers are started.
    asked = []

    def interleaved(sides, method, path, body, rounds=servers.ROUNDS):
        asked.append((path, rounds))
        return {}

    monkeypatch.setattr(scale_out, "interleaved", interleaved)
    monkeypatch.setattr(
        scale_out,
        "prepare_instance",
        lambda instance, database_url: {"DATABASE_URL": database_url or "sqlite://"},
    )
    monkeypatch.setattr(
        scale_out, "gunicorn", lambda *args, **kwargs: nullcontext("http://api")
    )
    monkeypatch.setattr(scale_out, "seed", lambda base, items: ("cookie", items))
    for name in ("settle", "count_round_trips", "report"):
        monkeypatch.setattr(scale_out, name, lambda *args: None)
    workers = {scale_out.SQLITE: "2", scale_out.SERVER: "2"}
    scale_out.measure_size(100, tmp_path, 1.0, "postgresql://db", "redis://r", workers)
    assert len(asked) == len(READS + WRITES)
    assert {rounds for _, rounds in asked} == {PAIRED_ROUNDS}


def test_settling_a_sqlite_database_empties_its_wal(tmp_path):
    database = tmp_path / "seeded.db"
    writer = sqlite3.connect(database)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # leave it all in the WAL
    writer.execute("CREATE TABLE seeded (value TEXT)")
    writer.executemany("INSERT INTO seeded VALUES (?)", [("x" * 100,)] * 1000)
    writer.commit()
    wal = tmp_path / "seeded.db-wal"
    assert wal.stat().st_size > 0

    settle(f"sqlite:///{database}")

    assert wal.stat().st_size == 0
    assert writer.execute("SELECT count(*) FROM seeded").fetchone() == (1000,)
    writer.close()


@pytest.mark.skipif(not TEST_DATABASE_URL, reason="needs TEST_DATABASE_URL")
def test_settling_postgresql_vacuums_and_checkpoints():
    with psycopg.connect(TEST_DATABASE_URL, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_settle")
        connection.execute("CREATE TABLE bench_settle (value int)")
        connection.execute("INSERT INTO bench_settle SELECT generate_series(1, 1000)")
        checkpoints = "SELECT checkpoints_req FROM pg_stat_bgwriter"
        before = connection.execute(checkpoints).fetchone()[0]

        settle(TEST_DATABASE_URL)

        # The checkpointer publishes its count itself, a moment later.
        for _ in range(50):
            connection.execute("SELECT pg_stat_clear_snapshot()")
            if connection.execute(checkpoints).fetchone()[0] > before:
                break
            time.sleep(0.1)
        assert connection.execute(checkpoints).fetchone()[0] > before
        vacuumed = connection.execute(
            "SELECT last_vacuum IS NOT NULL AND last_analyze IS NOT NULL"
            " FROM pg_stat_user_tables WHERE relname = 'bench_settle'"
        ).fetchone()
        connection.execute("DROP TABLE bench_settle")
    assert vacuumed == (True,)
