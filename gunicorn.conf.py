"""gunicorn settings for `make serve`: several worker processes running create_app().

Every setting can be overridden from the environment, e.g.
``WEB_CONCURRENCY=8 BIND=0.0.0.0:8000 make serve``. See the README's
"Running in production" for which values suit SQLite and which PostgreSQL.
"""

import os

wsgi_app = "app:create_app()"
bind = os.environ.get("BIND", "127.0.0.1:5000")
# Processes. With SQLite they share one file and take turns writing; with
# PostgreSQL they scale with the cores the database can serve.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
# Threads per process (gthread worker when > 1).
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Stop a worker after this many requests (plus jitter) to bound memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = max_requests // 10
# The app writes its own one-line-per-request log with request ids.
accesslog = None
errorlog = "-"
