"""Alembic environment for ``flask db``: migrate the app's own database."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config

# Keep the app's own loggers working when migrations run inside it.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    """Return the app's engine (Flask-SQLAlchemy 3 deprecates get_engine())."""
    return target_db.engine


def get_engine_url() -> str:
    """Return the database URL with its password, escaped for the .ini parser."""
    return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")


config.set_main_option("sqlalchemy.url", get_engine_url())


def get_metadata():
    """Return the models' metadata, which autogenerate compares the database with."""
    return target_db.metadatas[None]


def run_migrations_offline():
    """Write the migrations out as SQL, without connecting (``--sql``)."""
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations over a connection to the app's database."""

    def process_revision_directives(context, revision, directives):
        # An autogenerate that finds no change writes no empty revision file.
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    with get_engine().connect() as connection:
        context.configure(
            connection=connection, target_metadata=get_metadata(), **conf_args
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
