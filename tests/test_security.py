"""Hardening: headers on every response, production refuses unsafe settings, database outages
answer a localized 503, and arbitrary input never causes a 500 or a stored row."""
import re
import secrets
from pathlib import Path

import pytest
from babel.support import Translations

from campaign import create_app
from campaign.config import ProductionConfigError
from campaign.translate import translations_dir

TEMPLATES = Path(__file__).resolve().parent.parent / "campaign" / "templates"


@pytest.mark.parametrize("url", ["/en/", "/ko/xi/", "/zh-Hant/xi/count.json", "/en/nope", "/static/site.css", "/"])
def test_security_headers_on_every_response(client, url):
    response = client.get(url)
    response.close()  # static files are streamed from disk
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp and "default-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_when_configured(make_app):
    response = make_app(HSTS_SECONDS=31536000).test_client().get("/en/")
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_templates_have_no_inline_script_or_style():
    """The CSP forbids them; this finds them before a browser silently drops them. Emails are not
    pages (no CSP reaches a mail client, and mail clients ignore stylesheets): they may style inline."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)|\son[a-z]+=", text), template
        if template.relative_to(TEMPLATES).parts[0] != "email":
            assert not re.search(r"<style|\sstyle=", text), template


def test_the_sign_page_sets_an_httponly_lax_visitor_cookie_and_no_session(client):
    """The sign form's token is bound to a visitor cookie (petitions/visitor_csrf.py): nothing
    is kept on the server, and no Flask session is written for a signer."""
    response = client.get("/en/xi/")
    cookies = response.headers.getlist("Set-Cookie")
    cookie = next(c for c in cookies if c.startswith("visitor="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert not [c for c in cookies if c.startswith("session=")]
    # A returning visitor keeps their id: no new cookie.
    assert not [c for c in client.get("/en/xi/").headers.getlist("Set-Cookie") if c.startswith("visitor=")]


def test_a_sign_form_token_works_only_with_its_visitors_cookie(client, make_app):
    from campaign.extensions import db
    from campaign.models import Signature
    from conftest import VALID_SIGNERS, csrf_token

    attacker = client.application.test_client()
    token = csrf_token(attacker, "/en/xi/")  # the attacker's own page, cookie and token
    victim = client
    victim.get("/en/xi/")  # the victim has a visitor cookie of their own
    refused = victim.post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token})
    forged = victim.post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": "9999999999." + "0" * 64})
    no_cookie = client.application.test_client().post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token})
    assert refused.status_code == forged.status_code == no_cookie.status_code == 400
    with client.application.app_context():
        assert db.session.query(Signature).count() == 0
    assert attacker.post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token}).status_code == 303


def test_in_production_the_visitor_cookie_is_secure_and_host_only(make_app):
    app = make_app(SESSION_COOKIE_SECURE=True)
    cookie = next(c for c in app.test_client().get("/en/xi/").headers.getlist("Set-Cookie")
                  if c.startswith("__Host-visitor="))
    assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie and "HttpOnly" in cookie


PRODUCTION = {"CAMPAIGN_ENV": "production", "SQLALCHEMY_DATABASE_URI": "sqlite://",
              "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0"}
STRONG_KEY = secrets.token_hex(32)  # weak keys, HSTS, SMTP and cookies: tests/test_production_config.py


@pytest.mark.parametrize("secret", ["dev-only-not-secret", "", "short"])
def test_production_refuses_a_default_or_weak_secret_key(secret):
    with pytest.raises(ProductionConfigError, match="SECRET_KEY"):
        create_app({**PRODUCTION, "SECRET_KEY": secret})


def test_production_refuses_per_process_rate_limits():
    with pytest.raises(ProductionConfigError, match="RATELIMIT_STORAGE_URI"):
        create_app({**PRODUCTION, "SECRET_KEY": STRONG_KEY, "RATELIMIT_STORAGE_URI": "memory://"})


def test_production_refuses_email_links_to_a_non_https_site():
    with pytest.raises(ProductionConfigError, match="SITE_URL"):
        create_app({**PRODUCTION, "SECRET_KEY": STRONG_KEY, "SITE_URL": "http://127.0.0.1:5000"})


def test_production_from_environment_sets_secure_cookies(monkeypatch):
    monkeypatch.setenv("CAMPAIGN_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("HSTS_SECONDS", "31536000")
    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("DATABASE_URL", "postgres://user:pw@127.0.0.1:5432/campaign")
    monkeypatch.setenv("SITE_URL", "https://petitions.example.org")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 8


@pytest.mark.parametrize("lang", ["en", "ko", "zh-Hant"])
def test_database_outage_answers_localized_503(lang):
    # Port 1 refuses at once: the same error a restarting PostgreSQL gives.
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
                      "TESTING": True, "PROPAGATE_EXCEPTIONS": False})
    response = app.test_client().get(f"/{lang}/xi/")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "10"
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    heading = Translations.load(str(translations_dir()), [lang.replace("-", "_")]).gettext(
        "The site is busy for a moment")
    assert heading in html


@pytest.mark.parametrize("url", ["/en/", "/ko/xi/thanks", "/zh-Hans/unhcr/count.json"])
def test_public_pages_are_briefly_cacheable_and_set_no_cookie(client, url):
    response = client.get(url)
    assert response.cache_control.public and 0 < response.cache_control.max_age <= 60
    assert "Set-Cookie" not in response.headers


def test_sign_page_is_never_shared_by_a_proxy(client):
    response = client.get("/ko/xi/")
    assert response.cache_control.private and response.cache_control.no_cache


@pytest.mark.parametrize("token", ["1.\u00e9" + "0" * 63, "\u00b2." + "0" * 64])
def test_a_sign_form_token_of_any_characters_is_refused_not_a_500(client, token):
    """A stranger writes the token: a letter that is not ASCII (hmac.compare_digest refuses such
    strings) or a digit that int() cannot read ('²') must get the form back, not stop the page."""
    from campaign.extensions import db
    from campaign.models import Signature
    from conftest import VALID_SIGNERS

    client.get("/en/xi/")  # a visitor cookie of their own
    response = client.post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token})
    assert response.status_code == 400
    with client.application.app_context():
        assert db.session.query(Signature).count() == 0
