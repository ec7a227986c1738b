"""Organiser sessions live on the server (table organiser_session): a cookie copied while signed in
opens nothing once its organiser signs out, is disabled or gets a new password; a session ends
after ORGANISER_IDLE_MINUTES without use and ORGANISER_SESSION_HOURS after sign-in; the cookie
holds only a random id; public pages start no organiser session.

The attack these tests replay: someone copies an organiser's session cookie (a shared computer, a
browser extension, a backup) and uses it after the organiser signed out. Before server-side
sessions the copy opened the dashboard and the CSV of signers' emails for 31 days."""
import hashlib
import secrets
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from campaign import create_app
from campaign.extensions import db
from campaign.models import OrganiserSession
from conftest import csrf_token, sign
from test_organisers import LOGIN, PASSWORD, add_user, log_in

EMAIL = "sun@example.org"
DASHBOARD = "/en/organisers/xi/"
CSV = "/en/organisers/xi/signatures.csv"
COOKIE = "session"


def signed_in(app, email=EMAIL):
    add_user(app, email, campaigns=["xi"])
    client = app.test_client()
    assert log_in(client, email).status_code == 303
    return client


def copy_of(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    other = app.test_client()
    other.set_cookie(COOKIE, client.get_cookie(COOKIE).value)
    return other


def assert_opens(client):
    assert client.get(DASHBOARD).status_code == 200
    csv = client.get(CSV)
    assert csv.status_code == 200 and csv.mimetype == "text/csv"


def assert_refused(client):
    for url in (DASHBOARD, CSV):
        response = client.get(url)
        assert response.status_code == 303 and "/organisers/login" in response.headers["Location"], url


def cookie_contents(app, client):
    return app.session_interface.get_signing_serializer(app).loads(client.get_cookie(COOKIE).value)


def session_rows(app):
    with app.app_context():
        rows = db.session.scalars(select(OrganiserSession).order_by(OrganiserSession.created_at)).all()
        db.session.expunge_all()
        return rows


class Clock:
    """The time organiser sessions see (campaign.organisers.sessions.now), moved by hand."""

    def __init__(self, monkeypatch):
        import campaign.organisers.sessions as sessions

        self.moment = datetime.now(timezone.utc)
        monkeypatch.setattr(sessions, "now", lambda: self.moment)

    def advance(self, **delta):
        self.moment += timedelta(**delta)


def test_a_cookie_copied_before_sign_out_opens_nothing_after_it(app):
    client = signed_in(app)
    stolen = copy_of(app, client)
    assert_opens(stolen)  # while the organiser is signed in, a copy works like the original
    token = csrf_token(client, "/en/organisers/")
    assert client.post("/en/organisers/logout", data={"csrf_token": token}).status_code == 303
    assert_refused(stolen)
    assert_refused(client)
    [row] = session_rows(app)
    assert row.revoked_at is not None


@pytest.mark.parametrize("command", [
    ["users", "disable", EMAIL],
    ["users", "set-password", EMAIL, "--password", "a different long password"],
])
def test_disable_and_a_new_password_end_every_copy_of_every_session(app, runner, command):
    client = signed_in(app)
    stolen = copy_of(app, client)
    laptop = app.test_client()
    assert log_in(laptop, EMAIL).status_code == 303
    assert_opens(stolen)
    result = runner.invoke(args=command)
    assert result.exit_code == 0, result.output
    for browser in (client, stolen, laptop):
        assert_refused(browser)
    assert all(row.revoked_at is not None for row in session_rows(app))


def test_a_new_password_signs_in_again_with_a_new_session(app, runner):
    client = signed_in(app)
    result = runner.invoke(args=["users", "set-password", EMAIL, "--password", "a different long password"])
    assert result.exit_code == 0, result.output
    assert log_in(client, EMAIL).status_code == 401
    assert log_in(client, EMAIL, "a different long password").status_code == 303
    assert_opens(client)
    assert [row.revoked_at is None for row in session_rows(app)] == [False, True]


def test_31_idle_minutes_end_the_session_and_use_keeps_it_alive(app, monkeypatch):
    clock = Clock(monkeypatch)
    client = signed_in(app)
    stolen = copy_of(app, client)
    for _ in range(3):  # in use every 29 minutes: it stays open
        clock.advance(minutes=29)
        assert client.get(DASHBOARD).status_code == 200
    clock.advance(minutes=31)
    assert_refused(stolen)
    assert_refused(client)


def test_twelve_hours_after_sign_in_the_session_ends_however_busy(app, monkeypatch):
    clock = Clock(monkeypatch)
    client = signed_in(app)
    for _ in range(35):  # every 20 minutes for 11 h 40 min
        clock.advance(minutes=20)
        assert client.get(DASHBOARD).status_code == 200
    clock.advance(minutes=20)
    assert_refused(client)
    assert log_in(client, EMAIL).status_code == 303  # signing in again starts a fresh 12 hours
    assert client.get(DASHBOARD).status_code == 200


def test_both_lifetimes_are_settings(make_app, monkeypatch):
    app = make_app(ORGANISER_IDLE_MINUTES=5, ORGANISER_SESSION_HOURS=1)
    clock = Clock(monkeypatch)
    idle = signed_in(app)
    clock.advance(minutes=6)
    assert_refused(idle)
    busy = app.test_client()
    assert log_in(busy, EMAIL).status_code == 303
    for _ in range(14):  # every 4 minutes for 56 minutes
        clock.advance(minutes=4)
        assert busy.get(DASHBOARD).status_code == 200
    clock.advance(minutes=4)
    assert_refused(busy)


def test_the_cookie_holds_only_a_random_id_and_the_database_only_its_hash(app):
    client = signed_in(app)
    contents = cookie_contents(app, client)
    assert set(contents) <= {"csrf_token", "organiser_session"}
    raw = contents["organiser_session"]
    assert isinstance(raw, str) and len(raw) >= 43  # 256 random bits
    [row] = session_rows(app)
    assert row.id_hash == hashlib.sha256(raw.encode()).hexdigest() and raw not in row.id_hash
    assert row.revoked_at is None and row.created_at == row.last_seen_at
    # A second sign-in (another browser) is another session; the first is untouched.
    other = app.test_client()
    assert log_in(other, EMAIL).status_code == 303
    assert cookie_contents(app, other)["organiser_session"] != raw
    assert len(session_rows(app)) == 2
    assert_opens(client)


def test_a_forged_or_unknown_session_id_opens_nothing(app):
    signed_in(app)
    forger = app.test_client()
    with forger.session_transaction() as flask_session:
        flask_session["organiser_session"] = "not-a-session"
    assert_refused(forger)
    with forger.session_transaction() as flask_session:
        flask_session["organiser_session"] = ["a", "list"]
    assert_refused(forger)


def test_signing_in_again_replaces_the_cookie(app):
    """Session fixation: an id planted in a visitor's cookie before sign-in is not the one used after."""
    add_user(app, EMAIL, campaigns=["xi"])
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["organiser_session"] = "planted"
    assert log_in(client, EMAIL).status_code == 303
    assert cookie_contents(app, client)["organiser_session"] != "planted"


@pytest.mark.parametrize("url", ["/en/", "/en/xi/", "/ko/congress/", "/zh-Hant/unhcr/", "/en/coalition/",
                                 "/en/xi/thanks", LOGIN])
def test_public_pages_start_no_organiser_session(app, client, url):
    assert client.get(url).status_code == 200
    cookie = client.get_cookie(COOKIE)
    if cookie is not None:  # the sign pages' CSRF token; nothing that names a person
        assert set(cookie_contents(app, client)) == {"csrf_token"}
    assert session_rows(app) == []


def test_signing_a_petition_starts_no_organiser_session(app, client):
    assert sign(client, "unhcr").status_code == 303
    assert sign(client, "congress").status_code == 303
    # Not even a cookie session: the sign form's token rides on a visitor cookie (visitor_csrf.py).
    assert client.get_cookie(COOKIE) is None
    assert session_rows(app) == []


def test_production_cookie_is_host_prefixed_secure_and_host_only(monkeypatch, migrated_database):
    from conftest import _normalise

    monkeypatch.setenv("CAMPAIGN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("HSTS_SECONDS", "31536000")
    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("SITE_URL", "https://petitions.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": _normalise(migrated_database), "TESTING": True})
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    try:
        response = app.test_client().get(LOGIN, base_url="https://petitions.example.org")
    finally:
        with app.app_context():  # an app made here, not by make_app: close its pool (PostgreSQL warns)
            db.engine.dispose()
    [cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("__Host-session=")]
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "secure" in attributes and "path=/" in attributes and "httponly" in attributes
    assert not any(part.startswith("domain") for part in attributes)
    assert not any(part.startswith(("expires", "max-age")) for part in attributes)  # gone with the browser


def test_sign_out_without_a_session_is_harmless(app, client):
    token = csrf_token(client, LOGIN)
    assert client.post("/en/organisers/logout", data={"csrf_token": token}).status_code == 303
    assert session_rows(app) == []


def test_a_disabled_account_cannot_come_back_through_an_old_cookie_after_re_enabling(app, runner):
    """Re-enabling is not a command, but clearing disabled_at by hand must not revive old cookies."""
    client = signed_in(app)
    stolen = copy_of(app, client)
    assert runner.invoke(args=["users", "disable", EMAIL]).exit_code == 0
    from campaign.models import User

    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == EMAIL)).one()
        user.disabled_at = None
        db.session.commit()
    assert_refused(stolen)
    assert log_in(app.test_client(), EMAIL, PASSWORD).status_code == 303
