"""Configuration: zero-setup development, strict production, env overrides."""

import os
import stat

import pytest

from app import create_app


def test_development_generates_and_keeps_a_secret_key(app_config):
    config = app_config | {"APP_ENV": "development", "SECRET_KEY": None}
    first = create_app(config)
    key_file = os.path.join(first.instance_path, "secret_key")
    assert len(first.secret_key) == 64
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    # A restart reads the same key, so sessions survive it.
    assert create_app(config).secret_key == first.secret_key


def test_production_refuses_to_start_without_a_secret_key(app_config):
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app(app_config | {"APP_ENV": "production", "SECRET_KEY": None})


def test_unknown_app_env_is_a_clear_error(app_config):
    with pytest.raises(RuntimeError, match="APP_ENV='staging'"):
        create_app(app_config | {"APP_ENV": "staging"})


def test_any_key_can_be_set_as_flask_prefixed_variable(app_config, monkeypatch):
    monkeypatch.setenv("FLASK_BCRYPT_LOG_ROUNDS", "5")
    monkeypatch.setenv("FLASK_SESSION_COOKIE_SAMESITE", "Strict")
    app = create_app(app_config)
    assert app.config["BCRYPT_LOG_ROUNDS"] == 5
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Strict"


def test_debug_is_off_unless_asked(app_config):
    app = create_app(app_config | {"APP_ENV": "development", "SECRET_KEY": "x"})
    assert app.debug is False


def test_default_database_is_sqlite_in_the_instance_folder(app_config):
    config = {key: value for key, value in app_config.items()}
    config["SQLALCHEMY_DATABASE_URI"] = None
    app = create_app(config)
    expected = os.path.join(app.instance_path, "inventory.db")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{expected}"
