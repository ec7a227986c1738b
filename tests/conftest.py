"""Fixtures in the style of Flask's tutorial: app, client, runner, plus signing helpers.

The database is SQLite in a temporary file unless TEST_DATABASE_URL names a PostgreSQL
database. Under CI (CI=true) a configured service that cannot be reached fails the run
instead of skipping, so a green CI always means both databases were exercised.
"""
import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from campaign import create_app
from campaign.extensions import db, limiter
from campaign.translate import compile_catalogs, configured_languages, translations_dir

IN_CI = os.environ.get("CI") == "true"
# Under pytest-xdist (`-n 2`, as CI runs the suite) each worker process is "gw0", "gw1"...: it
# gets a PostgreSQL database and a Redis database of its own, because every test empties the
# tables and resets the rate limits when it ends.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER")
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
# Rate-limit storage for the suite: memory by default; CI's PostgreSQL run uses Redis.
TEST_RATELIMIT_STORAGE_URI = os.environ.get("TEST_RATELIMIT_STORAGE_URI", "memory://")


def _worker_number():
    return int(XDIST_WORKER.removeprefix("gw")) if XDIST_WORKER else None


def _worker_redis(url):
    """redis://host:port/0 -> /1 for worker gw0, /2 for gw1 (the database number is the path)."""
    if _worker_number() is None or not url.startswith("redis"):
        return url
    base, _, number = url.rpartition("/")
    return f"{base}/{int(number or 0) + 1 + _worker_number()}"


def _worker_postgresql(url):
    """<database>_gw0 beside the configured database, made on first use (the role needs CREATEDB)."""
    if _worker_number() is None:
        return url
    import psycopg
    from psycopg import sql

    base, _, name = url.rpartition("/")
    worker_name = f"{name}_{XDIST_WORKER}"
    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
            if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (worker_name,)).fetchone() is None:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(worker_name)))
    except psycopg.OperationalError:
        pass  # unreachable: migrated_database says so (a skip locally, a failure in CI)
    return f"{base}/{worker_name}"


TEST_RATELIMIT_STORAGE_URI = _worker_redis(TEST_RATELIMIT_STORAGE_URI)
TABLES = ("packet_build_file", "packet_build", "delivery", "campaign_update_text", "campaign_update",
          "outbox", "consent", "signature", "paper_batch", "organisation", "campaign_media",
          "signature_counter", "signature_tally",
          "campaign_settings", "zip_district", "congress_member", "audit_log", "campaign_organiser", "organiser_session",
          "app_user")


def pytest_sessionstart(session):
    # The set-up step compiles the catalogs; do it here too so `pytest` alone works.
    compile_catalogs(translations_dir(), configured_languages())


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    if TEST_DATABASE_URL:
        return _worker_postgresql(TEST_DATABASE_URL)
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def migrated_database(database_url):
    """Bring the test database to the newest migration once per session."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(database_url), "TESTING": True})
    with app.app_context():
        try:
            db.session.execute(text("SELECT 1"))
        except Exception as error:  # the service is down: a skip locally, a failure in CI
            message = f"test database {database_url} unreachable: {error}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        _drop_everything()
        upgrade()
        db.engine.dispose()
    return database_url


def _normalise(url):
    from campaign.config import normalise_database_url

    return normalise_database_url(url)


def _drop_everything():
    db.session.execute(text("DROP TABLE IF EXISTS alembic_version"))
    for table in TABLES:
        db.session.execute(text(f"DROP TABLE IF EXISTS {table} CASCADE" if db.engine.dialect.name ==
                                "postgresql" else f"DROP TABLE IF EXISTS {table}"))
    db.session.commit()


@pytest.fixture
def make_app(migrated_database, tmp_path):
    """Build an app with extra settings; rows written by the test are removed afterwards."""
    apps = []

    def build(**settings):
        config = {"SQLALCHEMY_DATABASE_URI": _normalise(migrated_database), "TESTING": True,
                  # Packets the dashboard builds go to the test's own folder, never instance/.
                  "PACKET_BUILDS_DIR": str(tmp_path / "packet-builds"),
                  "SIGN_RATE_LIMIT": "1000 per minute", "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "1000 per minute",
                  "RATELIMIT_STORAGE_URI": TEST_RATELIMIT_STORAGE_URI,
                  **settings}
        app = create_app(config)
        with app.app_context():
            try:
                limiter.reset()  # each test starts with no attempts counted (Redis outlives tests)
            except Exception as error:
                if IN_CI:
                    pytest.fail(f"rate-limit storage {TEST_RATELIMIT_STORAGE_URI} unreachable: {error}")
                raise
        apps.append(app)
        return app

    yield build
    for index, app in enumerate(apps):
        with app.app_context():
            if index == 0:  # all apps share one database
                empty_tables()
            db.engine.dispose()


def empty_tables():
    for table in TABLES:
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url}"
    return match.group(1)


VALID_SIGNERS = {
    "congress": {"first_name": "Young", "last_name": "Park",
                 "city": "Fullerton", "state": "CA", "zip_code": "92833", "email": "", "website": ""},
    "xi": {"first_name": "Mei", "last_name": "Chen", "city": "Toronto", "region": "Ontario", "country": "CA",
           "email": "mei.chen@example.org", "email_use": "count_only", "website": ""},
    "unhcr": {"first_name": "Ji-woo", "last_name": "Lee", "country": "KR", "email": "jiwoo@example.org",
              "updates": "y", "website": ""},
}


def older_street_address(app, first_name, address):
    """Give a congress signature the street address the form asked for until issue 19: rows
    signed before then keep it until they are erased or anonymised."""
    from campaign.models import Signature

    with app.app_context():
        db.session.query(Signature).filter_by(campaign="congress", first_name=first_name).update(
            {"street_address": address})
        db.session.commit()


def sign(client, slug, lang="en", **changes):
    """Sign like a browser: load the page for its CSRF token, then post the form."""
    url = f"/{lang}/{slug}/"
    data = {**VALID_SIGNERS[slug], **changes, "csrf_token": csrf_token(client, url)}
    data = {key: value for key, value in data.items() if value is not None}
    return client.post(url, data=data)


@pytest.fixture
def count(app):
    from campaign.petitions.counting import signature_count

    def current(slug):
        with app.app_context():
            return signature_count(slug)

    return current


@pytest.fixture
def rows(app):
    from sqlalchemy import func, select

    from campaign.models import Organisation, Signature

    def number(slug=None):
        """Signatures stored (of campaign `slug`); organisations' signatures too (coalition letters)."""
        with app.app_context():
            total = 0
            for model in (Signature, Organisation):
                query = select(func.count()).select_from(model)
                if slug:
                    query = query.where(model.campaign == slug)
                total += db.session.execute(query).scalar_one()
            return total

    return number


def confirm_pending(app):
    """Confirm every pending signature the way its signer's button does (for tests about counting
    that sign a campaign requiring confirmation; the email flow itself: test_email_*.py)."""
    from sqlalchemy import select

    from campaign.campaigns import definitions
    from campaign.models import SIGNATURE_PENDING, Signature
    from campaign.petitions.confirmation import confirm_signature

    by_slug = {definition.slug: definition for definition in definitions()}
    with app.app_context():
        pending = db.session.execute(
            select(Signature.id, Signature.campaign).where(Signature.status == SIGNATURE_PENDING)).all()
        for signature_id, slug in pending:
            confirm_signature(by_slug[slug], signature_id)
