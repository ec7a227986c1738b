"""Defaults, overridden by the environment (the only source of configuration in production)."""
import os
from pathlib import Path

from .security import secret_key_weakness

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name, default):
    return int(os.environ.get(name, default))


DEVELOPMENT_SECRET_KEY = "dev-only-not-secret"


class DefaultConfig:
    # "production" turns on the checks and cookie settings a public deployment needs.
    CAMPAIGN_ENV = "development"
    # A development-only key: create_app refuses to start in production while it is in use.
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
    # None means "a SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # PostgreSQL pool per app process: gunicorn's threads share it (see gunicorn.conf.py).
    DATABASE_POOL_SIZE = 8
    DATABASE_MAX_OVERFLOW = 4
    DATABASE_CONNECT_TIMEOUT = 3

    # BCP 47 tags as they appear in URLs. The first is the fallback language.
    # Adding a language: `flask translate init <tag>`, then its tag here: it is served in preview
    # (at its URL only, with a notice) until it is also in SHIPPED_LANGUAGES (TRANSLATING.md).
    LANGUAGES = ["en", "ko", "zh-Hans", "zh-Hant"]
    # Languages offered to visitors (negotiation, switcher, hreflang), whose catalogs must be
    # 100 % translated and reviewed (the test gates enforce it).
    SHIPPED_LANGUAGES = ["ko", "zh-Hans", "zh-Hant"]
    # A translator's own preview server (`python3 dev.py serve`): catalogs recompiled at each
    # start, `?show=msgid` shows where each string appears. Refused in production.
    TRANSLATION_PREVIEW = False
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGE_COOKIE = "lang"

    # Flask-Limiter. Per client address and per campaign, on the sign POST only.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # When the limiter's storage (Redis) is unreachable: "open" lets signers through (logged),
    # "closed" refuses with the 429 page. Open by default: a lost signature costs more than a
    # few minutes without a rate limit, and the unique constraint still counts people once.
    RATELIMIT_FAIL = "open"
    # A client is its IPv4 address or its IPv6 network of this prefix length: one home or
    # phone gets a whole /64, so counting single IPv6 addresses would not limit anyone.
    RATELIMIT_IPV6_PREFIX = 64
    # Per client network and campaign; and per client network across all campaigns together.
    SIGN_RATE_LIMIT = "10 per minute;100 per day"
    SIGN_RATE_LIMIT_ALL_CAMPAIGNS = "20 per minute;200 per day"
    # Per campaign, all clients together: above it signers get a 503 ("press again in a moment")
    # instead of the database taking every row a botnet sends. 1,000/s is the peak the site is
    # built for (a viral night); 200,000 an hour (55/s for a whole hour) is twice the rate at which
    # the UK Parliament's petitions site failed, and bounds a flood to 4.8 million rows a day.
    SIGN_CEILING_PER_CAMPAIGN = "1000 per second;200000 per hour"
    # Organiser sign-in (organisers/auth.py): per client address on the POST; failed attempts per
    # account and client network, after which that network is refused; and failed attempts per
    # account from everywhere, after which the account is slowed (LOGIN_SLOWED_ATTEMPTS, others
    # get a 429 with Retry-After), never locked. Addresses without accounts are counted the same way.
    LOGIN_RATE_LIMIT = "10 per minute;50 per hour"
    LOGIN_LOCKOUT = "5 per 15 minutes"
    LOGIN_ACCOUNT_FAILURES = "20 per 15 minutes"
    LOGIN_SLOWED_ATTEMPTS = "1 per 10 seconds"
    # Organiser sessions end after this long without a request, and this long after sign-in.
    ORGANISER_IDLE_MINUTES = 30
    ORGANISER_SESSION_HOURS = 12
    # Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
    # 0 means the header is ignored and the socket address is the client.
    PROXY_FIX = 0

    # Forms: the CSRF token lives as long as a signer may reasonably read a letter.
    WTF_CSRF_TIME_LIMIT = 3 * 3600
    MAX_CONTENT_LENGTH = 64 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # True in production (HTTPS only)
    # Strict-Transport-Security max-age; 0 sends no header (set it once HTTPS works everywhere).
    HSTS_SECONDS = 0

    # Campaign settings that organisers may change without a release.
    XI_DEADLINE = "2026-12-10"
    # The coalition's donation page, linked from the organisations' letter (seed 003); empty: no link.
    COALITION_DONATION_URL = ""
    # How long a proxy may keep pages that are the same for everyone (index, thanks, count.json).
    # Counts are exact in the database; what a visitor sees may lag by at most this much.
    PUBLIC_CACHE_SECONDS = 5
    # How long each process reuses the rendered blank sign page (petitions/page_cache.py).
    SIGN_PAGE_CACHE_SECONDS = 5
    # Country lists start with the COUNTRY_LIST_TOP countries most signers come from, each with at
    # least COUNTRY_LIST_MIN_SIGNERS counted signatures (a small place is never singled out), worked
    # out once per COUNTRY_LIST_CACHE_SECONDS per process (petitions/country_order.py).
    COUNTRY_LIST_TOP = 5
    COUNTRY_LIST_MIN_SIGNERS = 20
    COUNTRY_LIST_CACHE_SECONDS = 3600
    # Below this many signatures a petition leads with its partners or "help us reach N", not its count.
    SOCIAL_PROOF_THRESHOLD = 100
    # Results pages and open data (petitions/results.py): a place with fewer signers than this shows
    # "fewer than N"; the counts by place are worked out once per RESULTS_CACHE_SECONDS per process,
    # which is also how long a proxy may keep them.
    RESULTS_MIN_COUNT = 5
    RESULTS_CACHE_SECONDS = 60
    # The address on the About page and under each campaign's title; empty: MAIL_FROM's address.
    CONTACT_EMAIL = ""

    # Email. Links in emails start with SITE_URL (never with the Host header a visitor sent).
    SITE_URL = "http://127.0.0.1:5000"
    MAIL_SERVER = "localhost"
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_USE_TLS = False  # STARTTLS after connecting
    MAIL_USE_SSL = False  # TLS from the first byte (port 465)
    # Production refuses SMTP without TLS unless this says the clear text stays on a trusted
    # path (a relay on the same machine, e.g. postfix on 127.0.0.1).
    MAIL_ALLOW_PLAINTEXT = False
    MAIL_TIMEOUT = 20
    # An address, or "Name <address>"; without a name the coalition's name in the signer's language is used.
    MAIL_FROM = "petitions@localhost"
    # The outbox worker (campaign/mail/outbox.py).
    OUTBOX_MAX_ATTEMPTS = 8  # then the message is dead-lettered
    OUTBOX_BACKOFF_SECONDS = 30  # first retry; doubles each time
    OUTBOX_BACKOFF_MAX_SECONDS = 6 * 3600
    OUTBOX_LEASE_SECONDS = 300  # a claimed message is left alone by other workers this long
    OUTBOX_BATCH_SIZE = 50
    OUTBOX_POLL_SECONDS = 5  # `--loop`: pause when nothing is due
    OUTBOX_RETENTION_DAYS = 30  # sent and dead messages are deleted after this (flask privacy anonymise)
    # Delivery packets built in the background (campaign/delivery/jobs.py, `flask delivery work`).
    PACKET_BUILDS_DIR = None  # None: instance/packet-builds; one folder per campaign and build
    PACKET_BUILD_LEASE_SECONDS = 120  # renewed at each packet written; then another worker may resume it
    PACKET_BUILD_MAX_ATTEMPTS = 3  # claims of one build before it is failed (a packet that kills its worker)
    PACKET_BUILD_POLL_SECONDS = 2  # `--loop`: pause when no build waits
    # News emails (written updates and `flask mail update` templates) one signer of a campaign gets in
    # any 7 days; a signer over it is counted, shown and left out of that update for good. The
    # outbox is the record, so OUTBOX_RETENTION_DAYS must stay at 7 or more.
    UPDATES_MAX_PER_WEEK = 1

    # Campaigns whose signatures count only once the email address is confirmed. None: each
    # campaign's definition decides (xi does); otherwise slugs, e.g. "xi,unhcr" ("" for none).
    CONFIRMATION_REQUIRED = None
    CONFIRMATION_MAX_AGE_DAYS = 7  # a confirmation link works this long
    CONFIRMATION_RESEND_MINUTES = 10  # at most one new link per signature this often
    # "Send me a new link" from an expired link, per client address and campaign.
    CONFIRM_RESEND_RATE_LIMIT = "5 per hour;20 per day"
    # Sharing (campaign/sharing/). Who may show the widget /<lang>/<campaign>/widget in a frame:
    # CSP frame-ancestors sources, space-separated (or a list), e.g.
    # "https://hanvoice.ca https://*.example.org"; "*" lets any http(s) site embed it, "'none'" no one.
    # Only the widget may be framed; every other page sends frame-ancestors 'none' and X-Frame-Options DENY.
    WIDGET_FRAME_ANCESTORS = "*"
    # Width and height (CSS pixels) of the <iframe> in the embed code we show partners.
    WIDGET_SIZE = (320, 300)

    # Signatures lose email and street address this many days after their campaign closed.
    ANONYMISE_AFTER_DAYS = 90


def from_environment():
    """Settings read from the environment; only those present override the defaults."""
    settings = {}
    for name in ("CAMPAIGN_ENV", "SECRET_KEY", "RATELIMIT_STORAGE_URI", "RATELIMIT_FAIL", "SIGN_RATE_LIMIT",
                 "SIGN_RATE_LIMIT_ALL_CAMPAIGNS", "SIGN_CEILING_PER_CAMPAIGN",
                 "XI_DEADLINE", "SITE_URL", "MAIL_SERVER", "MAIL_USERNAME", "MAIL_PASSWORD", "MAIL_FROM",
                 "CONFIRMATION_REQUIRED", "CONFIRM_RESEND_RATE_LIMIT", "WIDGET_FRAME_ANCESTORS",
                 "COALITION_DONATION_URL", "CONTACT_EMAIL", "PACKET_BUILDS_DIR", "LOGIN_LOCKOUT", "LOGIN_ACCOUNT_FAILURES", "LOGIN_SLOWED_ATTEMPTS"):
        if name in os.environ:
            settings[name] = os.environ[name]
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_ALLOW_PLAINTEXT", "TRANSLATION_PREVIEW"):
        if name in os.environ:
            settings[name] = os.environ[name].strip().lower() in ("1", "true", "yes", "on")
    if "DATABASE_URL" in os.environ:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    for name in ("PROXY_FIX", "HSTS_SECONDS", "DATABASE_POOL_SIZE", "DATABASE_MAX_OVERFLOW", "MAIL_PORT",
                 "RATELIMIT_IPV6_PREFIX",
                 "MAIL_TIMEOUT", "OUTBOX_MAX_ATTEMPTS", "OUTBOX_BACKOFF_SECONDS", "OUTBOX_LEASE_SECONDS",
                 "CONFIRMATION_MAX_AGE_DAYS", "CONFIRMATION_RESEND_MINUTES", "ANONYMISE_AFTER_DAYS",
                 "OUTBOX_RETENTION_DAYS", "OUTBOX_BACKOFF_MAX_SECONDS", "OUTBOX_BATCH_SIZE", "OUTBOX_POLL_SECONDS",
                 "ORGANISER_IDLE_MINUTES", "ORGANISER_SESSION_HOURS", "SOCIAL_PROOF_THRESHOLD",
                 "PACKET_BUILD_LEASE_SECONDS", "PACKET_BUILD_MAX_ATTEMPTS", "PACKET_BUILD_POLL_SECONDS",
                 "RESULTS_MIN_COUNT", "RESULTS_CACHE_SECONDS",
                 "UPDATES_MAX_PER_WEEK"):
        if name in os.environ:
            settings[name] = _int(name, 0)
    if settings.get("CAMPAIGN_ENV", DefaultConfig.CAMPAIGN_ENV) == "production":
        settings.setdefault("SESSION_COOKIE_SECURE", True)
        # __Host-: the browser keeps it only if Secure, Path=/ and without Domain, so no sibling
        # subdomain can set or overwrite it.
        settings.setdefault("SESSION_COOKIE_NAME", "__Host-session")
    return settings


class ProductionConfigError(RuntimeError):
    pass


def check_production(config):
    """Refuse to serve the public with development settings."""
    if config["CAMPAIGN_ENV"] != "production":
        return
    weakness = secret_key_weakness(config["SECRET_KEY"])
    if weakness or config["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY:
        raise ProductionConfigError(f"SECRET_KEY looks guessable ({weakness or 'the development key'}): set it to a "
                                    "random value (python3 -c 'import secrets; print(secrets.token_hex(32))')")
    if config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        raise ProductionConfigError("set RATELIMIT_STORAGE_URI to Redis (e.g. redis://127.0.0.1:6379/0) so "
                                    "limits hold across processes and machines")
    if not (config["SITE_URL"] or "").startswith("https://"):
        raise ProductionConfigError("set SITE_URL to the site's public https:// address: links in emails use it")
    if config["HSTS_SECONDS"] < 86400:
        raise ProductionConfigError("set HSTS_SECONDS to at least 86400 (a day; 31536000 once HTTPS works "
                                    "everywhere): without it a network on the way can keep a visitor on http")
    if not (config["MAIL_USE_TLS"] or config["MAIL_USE_SSL"] or config["MAIL_ALLOW_PLAINTEXT"]):
        raise ProductionConfigError("set MAIL_USE_TLS=1 (STARTTLS, port 587) or MAIL_USE_SSL=1 (port 465): emails "
                                    "and the SMTP password would cross the network in the clear; "
                                    "MAIL_ALLOW_PLAINTEXT=true only for a relay on this machine")
    if not config["SESSION_COOKIE_SECURE"]:
        raise ProductionConfigError("SESSION_COOKIE_SECURE must be on in production (CAMPAIGN_ENV=production "
                                    "in the environment turns it on): cookies are sent over https only")


def engine_options(config):
    """Pool settings for the configured database (SQLite has no pool to size)."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        options.update(pool_size=config["DATABASE_POOL_SIZE"], max_overflow=config["DATABASE_MAX_OVERFLOW"],
                       pool_timeout=5, pool_recycle=1800,
                       connect_args={"connect_timeout": config["DATABASE_CONNECT_TIMEOUT"]})
    return options


def normalise_database_url(url):
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres:// or postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
