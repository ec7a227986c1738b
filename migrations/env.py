"""Alembic environment for Flask-Migrate: the app's engine and metadata, online or offline."""
import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

from campaign.models import POSTGRESQL_ONLY_INDEXES

config = context.config
if config.config_file_name and not logging.getLogger().handlers:
    # Keep the app's (or pytest's) logging when it is already configured.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db
config.set_main_option("sqlalchemy.url",
                       target_db.engine.url.render_as_string(hide_password=False).replace("%", "%%"))


def get_metadata():
    return target_db.metadata


def run_migrations_offline():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=get_metadata(),
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def skip_empty_autogenerate(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", skip_empty_autogenerate)
    # SQLite cannot ALTER most things in place; batch mode rebuilds tables instead.
    conf_args.setdefault("render_as_batch", True)
    # PostgreSQL's expression indexes (0017) are written in their migration, not in the models.
    conf_args.setdefault("include_object", lambda _object, name, type_, _reflected, _compare_to: not (
        type_ == "index" and name in POSTGRESQL_ONLY_INDEXES))
    with target_db.engine.connect() as connection:
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
