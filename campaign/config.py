"""Defaults, overridden by the environment (the only source of configuration in production)."""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _int(name, default):
    return int(os.environ.get(name, default))


class DefaultConfig:
    # A development-only key; issue #5 makes production refuse to start with it.
    SECRET_KEY = "dev-only-not-secret"
    # None means "a SQLite file in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # BCP 47 tags as they appear in URLs. The first is the fallback language.
    # Adding a language: one tag here, then `flask translate init <tag>`.
    LANGUAGES = ["en", "ko", "zh-Hans", "zh-Hant"]
    # Languages whose catalogs must be 100 % translated (the test gates enforce it).
    SHIPPED_LANGUAGES = ["ko", "zh-Hans", "zh-Hant"]
    BABEL_TRANSLATION_DIRECTORIES = str(PROJECT_ROOT / "translations")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGE_COOKIE = "lang"

    # Flask-Limiter. Per client address and per campaign, on the sign POST only.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    SIGN_RATE_LIMIT = "10 per minute;100 per day"
    # Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
    # 0 means the header is ignored and the socket address is the client.
    PROXY_FIX = 0

    # Forms: the CSRF token lives as long as a signer may reasonably read a letter.
    WTF_CSRF_TIME_LIMIT = 3 * 3600
    MAX_CONTENT_LENGTH = 64 * 1024

    # Campaign settings that organisers may change without a release.
    XI_DEADLINE = "2026-12-10"
    # How many seconds a public count may be stale; count.json is cacheable this long.
    COUNT_CACHE_SECONDS = 5


def from_environment():
    """Settings read from the environment; only those present override the defaults."""
    settings = {}
    for name in ("SECRET_KEY", "RATELIMIT_STORAGE_URI", "SIGN_RATE_LIMIT", "XI_DEADLINE"):
        if name in os.environ:
            settings[name] = os.environ[name]
    if "DATABASE_URL" in os.environ:
        settings["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    if "PROXY_FIX" in os.environ:
        settings["PROXY_FIX"] = _int("PROXY_FIX", 0)
    return settings


def normalise_database_url(url):
    """Use psycopg 3 for PostgreSQL URLs written the usual way (postgres:// or postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
