"""The suite really runs on the backends it was asked to use."""

from extensions import db
from plumbing.sessions import FileSessionInterface, SafeRedisSessionInterface
from tests.helpers import TEST_DATABASE_URL, TEST_REDIS_URL


def test_the_app_uses_the_configured_database(app):
    with app.app_context():
        dialect = db.engine.dialect
    assert dialect.name == ("postgresql" if TEST_DATABASE_URL else "sqlite")
    if TEST_DATABASE_URL:
        assert dialect.driver == "psycopg"


def test_the_app_uses_the_configured_session_store(app):
    expected = SafeRedisSessionInterface if TEST_REDIS_URL else FileSessionInterface
    assert type(app.session_interface) is expected


def test_the_app_uses_the_configured_rate_limit_storage(app):
    expected = "redis" if TEST_REDIS_URL else "memory"
    assert app.config["RATELIMIT_STORAGE_URI"].startswith(expected)


def test_plain_postgres_urls_get_the_psycopg_driver(app_config):
    from app import create_app

    for url in ("postgres://u:p@db.example/x", "postgresql://u:p@db.example/x"):
        configured = create_app(app_config | {"SQLALCHEMY_DATABASE_URI": url})
        uri = configured.config["SQLALCHEMY_DATABASE_URI"]
        assert uri == "postgresql+psycopg://u:p@db.example/x"
        options = configured.config["SQLALCHEMY_ENGINE_OPTIONS"]
        assert options["connect_args"]["connect_timeout"] == 3
