"""Browser tests: the real app on 127.0.0.1, driven by Debian's Chromium through Playwright.

One browser per session and a new context per test. The app runs in a background thread on a
random free port against its own SQLite file, migrated with Flask-Migrate, so these tests never
touch the database the other tests share. Every context refuses requests to any host but the
app, and the test that made one fails.

Locally the suite skips when Chromium, Playwright or axe-core is missing; under CI (CI=true)
a missing piece fails instead, so a green CI always means the browser suite ran.
"""
import gc
import logging
import os
import secrets
import threading
from dataclasses import dataclass

import pytest

from .support import (AXE_SCRIPT, CHROMIUM, DESKTOP, LAUNCH_ARGS, LOCALES, ROOT, TAGS, TIMEOUT_MS, Catalog, Visit,
                      unavailable)


# The test server is Werkzeug's, in a thread. When Chromium drops a request for a static file
# (navigating on before the icon arrives), Werkzeug leaves the file to the garbage collector,
# which warns at a random later moment inside whatever test runs then. That is the test
# server's behaviour, not the site's (gunicorn closes the file): ignore it for these tests only.
STATIC_FILE_LEFT_OPEN = ("ignore:Exception ignored in. <_io.FileIO name='.*/campaign/static/"
                         ":pytest.PytestUnraisableExceptionWarning")


@pytest.fixture(autouse=True)
def collect_files_left_open():
    """Collect them now, inside the browser test that caused them, where the warning is ignored."""
    yield
    gc.collect()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings(STATIC_FILE_LEFT_OPEN))
            item.add_marker(pytest.mark.filterwarnings("ignore:unclosed file <_io.BufferedReader name='.*/campaign/"
                                                       "static/:ResourceWarning"))

@pytest.fixture(scope="session")
def catalogs():
    return {tag: Catalog(tag) for tag in TAGS}


@dataclass
class LiveServer:
    app: object
    url: str


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from campaign import create_app
    from campaign.extensions import db

    database = tmp_path_factory.mktemp("browser-db") / "browser.sqlite3"
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_hex(32),
        "RATELIMIT_STORAGE_URI": "memory://",
        "SIGN_RATE_LIMIT": "10000 per minute",
        "SIGN_RATE_LIMIT_ALL_CAMPAIGNS": "10000 per minute",
        "CONFIRM_RESEND_RATE_LIMIT": "10000 per minute",  # every visitor comes from 127.0.0.1
        "PACKET_BUILDS_DIR": str(tmp_path_factory.mktemp("packet-builds")),  # never instance/
    })
    with app.app_context():
        upgrade()
    # The development server logs every request; the browser makes hundreds.
    request_log = logging.getLogger("werkzeug")
    level = request_log.level
    request_log.setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        request_log.setLevel(level)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        unavailable("Playwright is not installed (pip install -e '.[test]')")
    # A loaded CI machine can be slow to paint a page: wait as long for an expectation as for an action.
    expect.set_options(timeout=TIMEOUT_MS)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
    except Exception as error:
        playwright.stop()
        unavailable(f"Chromium at {CHROMIUM} did not start: {error}")
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture(scope="session")
def axe_script():
    if not AXE_SCRIPT.is_file():
        unavailable(f"axe-core is not installed at {AXE_SCRIPT} (run `npm ci` in {ROOT})")
    return AXE_SCRIPT


@pytest.fixture
def visit(browser, live_server):
    """A new visitor with a browser set to a language: `visit("ko", java_script_enabled=False)`."""
    opened = []

    def open_context(tag="en", **options):
        locale = LOCALES[tag]
        options.setdefault("viewport", DESKTOP["viewport"])
        context = browser.new_context(
            base_url=live_server.url, locale=locale.browser_locale,
            extra_http_headers={"Accept-Language": locale.accept_language}, **options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(Visit(context))
        return opened[-1]

    yield open_context
    foreign = [url for one in opened for url in one.foreign]
    for one in opened:
        one.context.close()
    assert foreign == [], f"requests to hosts other than 127.0.0.1: {foreign}"
