"""Production refuses weak settings (issue 14, item 9): a guessable SECRET_KEY, an https site
without HSTS, SMTP in the clear (unless explicitly allowed), cookies without Secure."""
import secrets

import pytest

from campaign import create_app
from campaign.config import ProductionConfigError
from campaign.extensions import db
from campaign.security import secret_key_weakness

STRONG = {"CAMPAIGN_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
          "SECRET_KEY": secrets.token_hex(32), "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
          "SITE_URL": "https://petitions.example.org", "HSTS_SECONDS": 31536000,
          "MAIL_SERVER": "smtp.example.org", "MAIL_PORT": 587, "MAIL_USE_TLS": True,
          "SESSION_COOKIE_SECURE": True}


def test_strong_settings_start():
    assert create_app(STRONG).config["CAMPAIGN_ENV"] == "production"


@pytest.mark.parametrize("secret", [
    "x" * 32,  # the attack: 32 × "x" was accepted
    "x" * 64,
    "bench-" + "k" * 40,
    "changeme" * 4,
    "password1234" * 3,
    "0123456789abcdef" * 2,
    "abcdefghijklmnopqrstuvwxyz012345",
    "12345678901234567890123456789012",
    "dev-only-not-secret",
    "short",
    "",
])
def test_a_guessable_secret_key_is_refused(secret):
    with pytest.raises(ProductionConfigError, match="SECRET_KEY"):
        create_app({**STRONG, "SECRET_KEY": secret})


def test_generated_secret_keys_pass():
    for make in (lambda: secrets.token_hex(32), lambda: secrets.token_hex(16), lambda: secrets.token_urlsafe(32),
                 lambda: secrets.token_urlsafe(24)):
        for _ in range(2000):
            key = make()
            assert secret_key_weakness(key) is None, key
    assert create_app({**STRONG, "SECRET_KEY": secrets.token_urlsafe(32)})


@pytest.mark.parametrize("seconds", [0, 300])
def test_an_https_site_without_hsts_is_refused(seconds):
    with pytest.raises(ProductionConfigError, match="HSTS_SECONDS"):
        create_app({**STRONG, "HSTS_SECONDS": seconds})


def test_smtp_without_tls_is_refused_unless_allowed():
    plain = {**STRONG, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 25, "MAIL_USE_TLS": False}
    with pytest.raises(ProductionConfigError, match="MAIL_USE_TLS"):
        create_app(plain)
    assert create_app({**plain, "MAIL_ALLOW_PLAINTEXT": True})
    assert create_app({**STRONG, "MAIL_USE_TLS": False, "MAIL_USE_SSL": True, "MAIL_PORT": 465})


def test_cookies_without_secure_are_refused():
    with pytest.raises(ProductionConfigError, match="SESSION_COOKIE_SECURE"):
        create_app({**STRONG, "SESSION_COOKIE_SECURE": False})


def test_development_keeps_working_without_any_of_it():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x" * 32})
    assert app.config["CAMPAIGN_ENV"] == "development"


def test_language_cookie_is_secure_in_production(make_app, migrated_database):
    from conftest import _normalise

    # No rate limit is asked on a GET, so the Redis named in STRONG is never reached.
    production = create_app({**STRONG, "SQLALCHEMY_DATABASE_URI": _normalise(migrated_database), "TESTING": True})
    cookie = _language_cookie(production.test_client().get("/ko/xi/"))
    with production.app_context():
        db.engine.dispose()  # its pooled connection is not left to the garbage collector
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Development over plain http keeps working.
    assert "Secure" not in _language_cookie(make_app().test_client().get("/ko/xi/"))


def _language_cookie(response):
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("lang="))


def test_production_is_read_from_the_environment(monkeypatch):
    for name, value in {"CAMPAIGN_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
                        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
                        "SITE_URL": "https://petitions.example.org", "DATABASE_URL": "sqlite://",
                        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "25"}.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ProductionConfigError, match="HSTS_SECONDS"):
        create_app()
    monkeypatch.setenv("HSTS_SECONDS", "31536000")
    with pytest.raises(ProductionConfigError, match="MAIL_USE_TLS"):
        create_app()
    monkeypatch.setenv("MAIL_ALLOW_PLAINTEXT", "true")  # a local relay (postfix on 127.0.0.1)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True and app.config["MAIL_ALLOW_PLAINTEXT"] is True
