"""The schema comes only from migrations, and the migrations build exactly the models."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from campaign.extensions import db
from campaign.models import POSTGRESQL_ONLY_INDEXES


def in_models(_object, name, type_, _reflected, _compare_to):
    """PostgreSQL's expression indexes (models.POSTGRESQL_ONLY_INDEXES) are the migrations' alone."""
    return not (type_ == "index" and name in POSTGRESQL_ONLY_INDEXES)


def test_migrations_build_exactly_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": in_models})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_are_at_head(app):
    from alembic.script import ScriptDirectory
    from flask_migrate import Migrate  # noqa: F401  (the extension is bound to the app)

    with app.app_context(), db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
        config = app.extensions["migrate"].migrate.get_config()
    assert current == ScriptDirectory.from_config(config).get_current_head()


def test_sqlite_runs_in_wal_mode(app):
    import pytest
    from sqlalchemy import text

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("WAL is a SQLite setting")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
