"""Configuration classes, chosen by ``APP_ENV`` and overridable from the environment.

Values come, in increasing priority, from the class below, from ``FLASK_<KEY>``
environment variables (``app.config.from_prefixed_env()``), and from the
``test_config`` mapping given to ``create_app``. A ``.env`` file next to this
module is loaded first, so everything here can also be set there.
"""

import os
from datetime import timedelta

from dotenv import load_dotenv

load_dotenv()


class Config:
    """Settings shared by every environment."""

    APP_ENV = "development"

    # Left unset here on purpose: development generates one and keeps it in the
    # instance folder, production refuses to start without it (see app.py).
    SECRET_KEY = os.environ.get("SECRET_KEY")

    # None means "SQLite file in the instance folder", resolved in create_app.
    # PostgreSQL: postgresql://user:password@host/dbname (driver: psycopg 3).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLITE_BUSY_TIMEOUT_MS = 5000
    # Seconds to wait for a database server to accept a connection before the
    # request fails with 503 (PostgreSQL only).
    DATABASE_CONNECT_TIMEOUT = 3
    # A pooled connection idle this many seconds is checked before use, and
    # replaced if the server dropped it (PostgreSQL only).
    DATABASE_PING_AFTER_IDLE_SECONDS = 5.0

    # Requests larger than this get 413 before any view runs, chunked or not.
    MAX_CONTENT_LENGTH = 1024 * 1024
    # Most data rows one CSV import takes (413 beyond, asking to split the
    # file): an import is one transaction, and on SQLite every other writer
    # waits for it (at most SQLITE_BUSY_TIMEOUT_MS, then 503).
    CSV_IMPORT_MAX_ROWS = 10_000

    # Server-side sessions (Flask-Session). The id in the cookie is only a key
    # into the store, so logging out deletes the session for every copy of it.
    # "cachelib": files under SESSION_FILE_DIR (one machine). "redis": shared by
    # every process and machine, at SESSION_REDIS_URL. plumbing/sessions.py
    # hands the store to Flask-Session as SESSION_CACHELIB or SESSION_REDIS.
    SESSION_TYPE = os.environ.get("SESSION_TYPE", "cachelib")
    SESSION_FILE_DIR = None  # None means "<instance>/sessions"
    SESSION_REDIS_URL = os.environ.get("SESSION_REDIS_URL", "redis://localhost:6379/0")
    SESSION_KEY_PREFIX = "session:"
    SESSION_PERMANENT = True
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=30)
    # Sliding expiry (30 minutes of inactivity), refreshed at most once per
    # SESSION_REFRESH_INTERVAL seconds rather than rewritten on every request.
    SESSION_REFRESH_EACH_REQUEST = False
    SESSION_REFRESH_INTERVAL = 60
    SESSION_PRUNE_INTERVAL = 3600  # seconds between sweeps of expired session files
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False

    # Origins other than the API's own that may send state-changing requests,
    # e.g. FLASK_TRUSTED_ORIGINS='["https://dashboard.example.com"]'. Empty means
    # same-origin only.
    TRUSTED_ORIGINS: tuple[str, ...] = ()

    BCRYPT_LOG_ROUNDS = 12

    # Behind a reverse proxy, the number of proxies whose X-Forwarded-* headers
    # to trust (werkzeug's ProxyFix). 0 = no proxy: the headers are ignored, so
    # a client cannot spoof its address to dodge the rate limits.
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    PROXY_FIX_X_HOST = 0
    PROXY_FIX_X_PREFIX = 0

    # Flask-Limiter. memory:// counts per process; with several workers use a
    # shared store such as redis://localhost:6379/0 (see README).
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # If the shared store goes away, keep limiting per process rather than fail.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # X-RateLimit-* are written by routes/auth.py: Flask-Limiter's own would put
    # Retry-After on every response, successes included.
    RATELIMIT_HEADERS_ENABLED = False
    # Failed logins per username, all logins per client address, and new
    # accounts per client address. Syntax: "5 per minute", "100/hour;10/minute".
    LOGIN_FAILURE_LIMIT = "5 per minute"
    LOGIN_LIMIT = "20 per minute"
    REGISTER_LIMIT = "10 per hour"


class DevelopmentConfig(Config):
    """Local use: `make run`, `python app.py`."""


class TestingConfig(Config):
    """The pytest suite: fast hashing and a fixed secret."""

    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key"
    BCRYPT_LOG_ROUNDS = 4
    # The suite logs in hundreds of times; the rate-limit tests turn it back on.
    RATELIMIT_ENABLED = False


class ProductionConfig(Config):
    """Behind HTTPS: cookies only travel over TLS, and SECRET_KEY is mandatory."""

    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(env_name: str | None) -> type[Config]:
    """Return the configuration class for ``APP_ENV``, defaulting to development."""
    name = (env_name or "development").strip().lower()
    try:
        return CONFIGS[name]
    except KeyError:
        choices = ", ".join(sorted(CONFIGS))
        raise RuntimeError(f"APP_ENV={env_name!r} is not one of: {choices}.") from None
