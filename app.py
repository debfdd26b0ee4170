"""Application factory. ``python app.py`` serves the API on http://127.0.0.1:5000."""

import os
import secrets
from typing import Any

import msgspec
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from cli import register_commands
from config import config_for
from dashboard import init_dashboard
from errors import register_error_handlers
from extensions import bcrypt, limiter
from plumbing.database import init_database
from plumbing.envelope import EnvelopeJSONProvider
from plumbing.observability import QuietRequestHandler, init_observability
from plumbing.security import init_security
from plumbing.sessions import init_sessions
from routes import (
    account,
    auth,
    categories,
    docs,
    history,
    inventory,
    inventory_csv,
    ops,
    stock,
    suppliers,
    teams,
    users,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create and configure the inventory API."""
    test_config = test_config or {}
    # The instance folder holds the SQLite file, sessions and the dev secret.
    instance_path = test_config.get("INSTANCE_PATH") or os.environ.get("INSTANCE_PATH")
    # No static folder: an API, and every route is in the OpenAPI document.
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        static_folder=None,
    )
    app.json = EnvelopeJSONProvider(app)  # a timestamp on every JSON envelope
    load_config(app, test_config)
    init_observability(app)
    init_database(app)
    bcrypt.init_app(app)
    # Sessions first: when their store is down, nothing else should run.
    init_sessions(app)
    limiter.init_app(app)
    init_security(app)
    register_blueprints(app)
    init_dashboard(app)
    register_error_handlers(app)
    register_commands(app)
    trust_proxy_headers(app)
    return app


def trust_proxy_headers(app: Flask) -> None:
    """Honour X-Forwarded-* from as many proxies as configured (none by default)."""
    hops = {
        name: int(app.config[f"PROXY_FIX_X_{name.upper()}"])
        for name in ("for", "proto", "host", "prefix")
    }
    if any(hops.values()):
        app.wsgi_app = ProxyFix(
            app.wsgi_app,
            x_for=hops["for"],
            x_proto=hops["proto"],
            x_host=hops["host"],
            x_prefix=hops["prefix"],
        )


def load_config(app: Flask, test_config: dict[str, Any]) -> None:
    """Load settings: config class, then FLASK_* variables, then ``test_config``."""
    env_name = test_config.get("APP_ENV") or os.environ.get("APP_ENV")
    app.config.from_object(config_for(env_name))
    app.config.from_prefixed_env()
    app.config.from_mapping(test_config)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        database_path = os.path.join(app.instance_path, "inventory.db")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database_path}"
    configure_engine(app)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(app)


def configure_engine(app: Flask) -> None:
    """Pick the psycopg 3 driver for PostgreSQL; set timeouts and the JSON reader."""
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    for prefix in ("postgres://", "postgresql://"):
        if uri.startswith(prefix):
            uri = "postgresql+psycopg://" + uri.removeprefix(prefix)
    app.config["SQLALCHEMY_DATABASE_URI"] = uri
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    # JSON columns (an item's metadata) are read by msgspec, the encoder of the
    # responses: a page of 50 items parses 50 of them.
    options.setdefault("json_deserializer", msgspec.json.decode)
    if uri.startswith("postgresql"):
        # Connections the server dropped (restart, idle timeout) are replaced
        # quietly by plumbing/database.ping_idle_connections(), which checks
        # only those idle a while, not every checkout as pool_pre_ping would.
        connect_args = options.setdefault("connect_args", {})
        connect_args.setdefault(
            "connect_timeout", app.config["DATABASE_CONNECT_TIMEOUT"]
        )


def instance_secret_key(app: Flask) -> str:
    """Return the development secret kept in the instance folder, creating it once."""
    if app.config["APP_ENV"] == "production":
        raise RuntimeError(
            "SECRET_KEY is not set. In production it must come from the "
            "environment or .env; generate one with: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    path = os.path.join(app.instance_path, "secret_key")
    try:
        # O_EXCL: when several workers start at once, exactly one creates it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as existing:
            return existing.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as new_file:
        key = secrets.token_hex(32)
        new_file.write(key)
    return key


def register_blueprints(app: Flask) -> None:
    """Mount one blueprint per resource."""
    app.register_blueprint(auth.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(teams.bp)
    app.register_blueprint(inventory.bp)
    app.register_blueprint(inventory_csv.bp)
    app.register_blueprint(stock.bp)
    app.register_blueprint(history.bp)
    app.register_blueprint(categories.bp)
    app.register_blueprint(suppliers.bp)
    app.register_blueprint(users.bp)
    app.register_blueprint(ops.bp)
    app.register_blueprint(docs.bp)


if __name__ == "__main__":
    import socket
    import sys

    port = int(os.environ.get("PORT", "5000"))
    # Only this machine by default; HOST=0.0.0.0 serves the shop's network.
    host = os.environ.get("HOST", "127.0.0.1")
    # Werkzeug's own message for a taken port does not say how to choose
    # another here, so check first and name the setting. SO_REUSEADDR, as
    # Werkzeug binds: a port left in TIME_WAIT by an earlier run is free.
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            sys.exit(
                f"Port {port} is in use; run on another port with "
                f"PORT={port + 1} make run"
            )
    # Debug stays off unless FLASK_DEBUG=1 is set. The handler leaves the
    # one-line-per-request log to observability.py.
    if not host.startswith("127."):
        print(
            f"Serving on {host}:{port}: anyone on this network can reach the "
            "login page, over plain HTTP (see the README).",
            file=sys.stderr,
        )
    create_app().run(host=host, port=port, request_handler=QuietRequestHandler)
