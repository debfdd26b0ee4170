"""The benchmark's databases: a fresh schema per run, history rows in bulk, and
settling a seeded database before anything is measured."""

import contextlib
import os
import sqlite3
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import psycopg

from bench.servers import BIN, DATABASE_URL, ROOT


def add_history_rows(database: Path, total: int) -> None:
    """Top the history table up to ``total`` rows (the bench user's own).

    Works on the schema before teams too, for a base commit (--base).
    """
    connection = sqlite3.connect(database)
    (existing,) = connection.execute("SELECT count(*) FROM history").fetchone()
    (user_id,) = connection.execute(
        "SELECT id FROM users WHERE username = 'bench'"
    ).fetchone()
    columns = {row[1] for row in connection.execute("PRAGMA table_info(history)")}
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    if "team_id" in columns:
        (team_id,) = connection.execute(
            "SELECT team_id FROM memberships WHERE user_id = ?", (user_id,)
        ).fetchone()
        owner, owner_column, counted = team_id, "team_id", "teams"
    else:
        owner, owner_column, counted = user_id, None, "users"
    rows = (
        (*((owner,) if owner_column else ()), user_id, "stock", "item",
         1 + n % 1000, f"Item {n % 1000}", now)
        for n in range(total - existing)
    )  # fmt: skip
    prefix = f"{owner_column}, " if owner_column else ""
    marks = "?, " if owner_column else ""
    connection.executemany(
        f"INSERT INTO history ({prefix}user_id, action_type, entity_type,"
        f" entity_id, entity_name, timestamp) VALUES ({marks}?, ?, ?, ?, ?, ?)",
        rows,
    )
    # Keep the count exact, as record_history() does: the team's (the user's
    # before teams).
    key = "team_id" if owner_column else "user_id"
    connection.execute(
        f"UPDATE {counted} SET history_count = (SELECT count(*) FROM history"
        f" WHERE history.{key} = {counted}.id) WHERE id = ?",
        (owner,),
    )
    connection.commit()
    connection.close()


def prepare_instance(
    instance: Path, root: Path = ROOT, database_url: str = DATABASE_URL
) -> dict[str, str]:
    """Build an empty schema by ``root``'s migrations; return the API's environment."""
    env = {
        "APP_ENV": "development",
        "SECRET_KEY": "bench",
        "INSTANCE_PATH": str(instance),
        "FLASK_RATELIMIT_ENABLED": "false",
        "FLASK_BCRYPT_LOG_ROUNDS": "4",
        # Always explicit, so that a DATABASE_URL in .env is never benchmarked.
        "DATABASE_URL": database_url or f"sqlite:///{instance / 'inventory.db'}",
        "SESSION_TYPE": "cachelib",  # bench/scale_out.py sets redis
    }
    # A fresh schema for each size (a SQLite file is new anyway). The teams
    # migration refuses to downgrade, so the old schema is dropped whole.
    if database_url:
        empty_database(database_url)
    subprocess.run(
        [str(BIN / "flask"), "--app", "app", "db", "upgrade"],
        cwd=root,
        env=os.environ | env,
        check=True,
        capture_output=True,
    )
    return env


def empty_database(url: str) -> None:
    """Drop every table, sequence and function of PostgreSQL's public schema."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def settle(database_url: str) -> None:
    """Let the seeding's deferred writes land before any scenario is measured.

    Seeding thousands of items in seconds leaves work for later: PostgreSQL's
    next checkpoint writes every page they dirtied (PostgreSQL checkpoints
    every 5 minutes) and autovacuum visits the new rows; SQLite's WAL holds
    them until its next checkpoint; the kernel writes dirty pages back. Left
    alone, that work falls on whichever scenario runs when it comes due. So
    before measuring: VACUUM ANALYZE and CHECKPOINT on PostgreSQL (pgbench
    vacuums before each run for the same reason), a WAL checkpoint on SQLite,
    then sync().
    """
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        with contextlib.closing(sqlite3.connect(path)) as connection:
            busy, *_ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:  # a reader held on to the WAL: measured all the same
            print(f"  (the WAL of {path} could not be emptied: a reader was busy)")
    else:
        with psycopg.connect(database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")
            connection.execute("CHECKPOINT")
    os.sync()
