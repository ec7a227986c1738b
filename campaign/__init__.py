"""The petition site. create_app() is the one factory; wsgi.py and the tests call it."""
import os
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import i18n, log_redaction
from .config import DefaultConfig, check_production, engine_options, from_environment
from .cookie_session import CookieSessionInterface
from .extensions import babel, configure_limiter, csrf, db, migrate

MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config=None):
    # Before anything logs: no email address reaches a log line (SMTP replies quote them).
    log_redaction.install()
    app = Flask(__name__, instance_relative_config=True)
    app.session_interface = CookieSessionInterface()
    app.config.from_object(DefaultConfig)
    app.config.update(from_environment())
    if config:
        app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "campaign.sqlite3")
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    check_production(app.config)

    i18n.check_configuration(app)
    app.config["INCOMPLETE_LANGUAGES"] = i18n.incomplete_languages(app)
    app.url_map.converters["lang"] = i18n.make_language_converter(app.config["LANGUAGES"])
    if app.config["PROXY_FIX"]:
        # Only as many X-Forwarded-For hops as there are proxies we run; the rest is client-controlled.
        hops = app.config["PROXY_FIX"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    db.init_app(app)
    # Registered after Flask-SQLAlchemy's, so it runs first at teardown.
    app.teardown_appcontext(_release_session)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    configure_limiter(app)
    with app.app_context():
        _tune_sqlite(db.engine)

    from . import models  # noqa: F401  (registers the tables with SQLAlchemy)
    from .campaigns import register_campaigns
    from .organisers import register_organisers
    from .security import register_security_headers
    from .site import register_site
    from .templating import register_template_helpers

    register_security_headers(app)
    register_site(app)
    register_campaigns(app)
    register_organisers(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_commands(app):
    """`flask outbox …`, `flask mail …`, `flask privacy …`, `flask data …` and `flask users …` (they need
    the app and its database)."""
    from .accounts import users_cli
    from .congress_data import data_cli
    from .delivery import delivery_cli
    from .mail.cli import mail_cli, outbox_cli
    from .privacy import privacy_cli

    app.cli.add_command(outbox_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(delivery_cli)


def _release_session(_error):
    """End the request's session even when the database died under it (e.g. a PostgreSQL restart).

    Closing rolls back; on a dead connection that raises after the response is written. Such a
    connection is invalidated instead, so the pool never hands it out again.
    """
    try:
        db.session.remove()
    except SQLAlchemyError:
        db.session().invalidate()
        db.session.remove()


def _tune_sqlite(engine):
    """WAL lets readers and one writer work at once; a busy timeout queues writers instead of failing."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
