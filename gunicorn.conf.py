"""gunicorn settings for `make serve`: several worker processes running create_app().

Every setting can be overridden from the environment, e.g.
``WEB_CONCURRENCY=8 BIND=0.0.0.0:8000 make serve``. See the README's
"Running in production" for which values suit SQLite and which PostgreSQL.
"""

import os

from dotenv import load_dotenv

load_dotenv()  # the app reads .env too (config.py): both see the same DATABASE_URL


def default_workers(database_url: str) -> int:
    """One process per core on SQLite; 2 x cores + 1 on a database server.

    SQLite admits one writer at a time, and a writer holds the lock until its
    commit reaches the disk: with more processes than cores, the holder gets
    descheduled and every other writer waits for it (measured in
    docs/BENCHMARKS.md). A database server such as PostgreSQL locks rows, not
    the database, and its workers wait on the network, so more processes keep
    the cores busy.
    """
    cores = os.cpu_count() or 1
    on_sqlite = not database_url or database_url.startswith("sqlite")
    return cores if on_sqlite else 2 * cores + 1


wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or default_workers(os.environ.get("DATABASE_URL", ""))
)
# Threads per process (gthread worker when > 1).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Stop a worker after this many requests (plus jitter) to bound memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The app writes its own one-line-per-request log with request ids.
accesslog = None
errorlog = "-"
