"""gunicorn settings for `make serve`: several worker processes running create_app().

Every setting can be overridden from the environment, e.g.
``WEB_CONCURRENCY=8 BIND=0.0.0.0:8000 make serve``. See the README's
"Running in production" for which values suit SQLite and which PostgreSQL.
"""

import os

from dotenv import load_dotenv

load_dotenv()  # the app reads .env too (config.py): both see the same DATABASE_URL


def default_workers(database_url: str) -> int:
    """One process per core, on SQLite and on a database server alike.

    SQLite admits one writer at a time, and a writer holds the lock until its
    commit reaches the disk: with more processes than cores, the holder gets
    descheduled and every other writer waits for it. With PostgreSQL and Redis
    on the same machine, the API's processes share the cores with them, and
    more processes than cores only made the tail longer and the writes slower
    (2 cores: 3 and 5 workers against 2, docs/BENCHMARKS.md). With the database
    on a machine of its own, more may pay: see the README's production section.
    """
    return os.cpu_count() or 1


wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:5000")
workers = int(
    os.environ.get("WEB_CONCURRENCY")
    or default_workers(os.environ.get("DATABASE_URL", ""))
)
# gthread, whose main loop collects each request's head before a thread sees
# it, so slow or silent clients cannot tie up the threads, and which answers
# refused requests in the API's JSON envelope (plumbing/gunicorn_workers.py).
# GUNICORN_HEADER_TIMEOUT and GUNICORN_BODY_TIMEOUT bound how long a client
# may take to send a request (10 and 30 seconds).
worker_class = "plumbing.gunicorn_workers.APIWorker"
# Threads per process: the requests one process serves at once. Slow clients
# wait in the poller, not in a thread, so one is enough to survive them, and
# one suits SQLite best: a second thread competed with the lock holder for the
# process and wrote less (docs/BENCHMARKS.md). More are safe (each thread has
# its own pooled connection and queues for the write lock like a process).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Seconds an idle kept-alive connection stays open, waiting in the poller.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# What a request's head may hold; beyond it the client gets a JSON 414 or 431.
# gunicorn's defaults, written out because clients and docs/DEPLOY.md rely on them.
limit_request_line = 4094  # method, URL and version
limit_request_fields = 100
limit_request_field_size = 8190
# Stop a worker after this many requests (plus jitter) to bound memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# No control socket: gunicorn 27 opens one at ~/.gunicorn/gunicorn.ctl for
# every instance of the user, so a second server (or a test) would take it
# over. Signals and the service manager control this one.
control_socket_disable = True
# The app writes its own one-line-per-request log with request ids.
accesslog = None
errorlog = "-"
