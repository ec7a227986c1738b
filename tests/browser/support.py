"""What the browser tests share: locales, expected text from the catalogs, a visitor, helpers."""
import gzip
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from campaign.translate import translations_dir

IN_CI = os.environ.get("CI") == "true"
ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# Playwright's own browser download is not reachable; these keep Debian's Chromium offline and quiet.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@dataclass(frozen=True)
class Locale:
    tag: str             # BCP 47, as in our URLs
    browser_locale: str  # what a visitor's browser is set to
    accept_language: str


LOCALES = {
    "en": Locale("en", "en-US", "en-US,en;q=0.9"),
    "ko": Locale("ko", "ko-KR", "ko-KR,ko;q=0.9,en-US;q=0.5,en;q=0.3"),
    "zh-Hans": Locale("zh-Hans", "zh-CN", "zh-CN,zh;q=0.9,en;q=0.5"),
    "zh-Hant": Locale("zh-Hant", "zh-TW", "zh-TW,zh;q=0.9,en;q=0.5"),
}
TAGS = list(LOCALES)
CAMPAIGNS = ("congress", "xi", "unhcr")


def unavailable(message):
    """A missing browser piece: a skip on a developer's machine, a failure in CI."""
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


class Catalog:
    """The compiled catalog of one language: what the page must show, in that language."""

    def __init__(self, tag):
        self.tag = tag
        self.babel_name = tag.replace("-", "_")
        if tag == "en":
            self.translations = NullTranslations()
        else:
            self.translations = Translations.load(str(translations_dir()), [self.babel_name])
            assert isinstance(self.translations, Translations), f"no compiled catalog for {tag}"

    def _(self, message, **values):
        text = self.translations.gettext(message)
        return text % values if values else text

    def p(self, context, message, **values):
        text = self.translations.pgettext(context, message)
        return text % values if values else text

    def n(self, singular, plural, number, **values):
        text = self.translations.ngettext(singular, plural, number)
        return text % values if values else text

    def number(self, value):
        return format_decimal(value, locale=self.babel_name)

    def signatures(self, count):
        """The count line of a campaign's status box (petitions/status.html)."""
        return self.n("%(num)s signature", "%(num)s signatures", count, num=self.number(count))


class Visit:
    """One browser context (a visitor) and the requests it made; other hosts are refused."""

    def __init__(self, context):
        self.context = context
        self.requests = []
        self.foreign = []
        context.on("request", lambda request: self.requests.append(request.url))
        context.route(lambda url: not is_ours(url), self._refuse)

    def _refuse(self, route):
        self.foreign.append(route.request.url)
        route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page


def is_ours(url):
    parts = urlsplit(url)
    if parts.scheme in ("data", "about"):
        return True
    return parts.scheme == "http" and parts.hostname == "127.0.0.1"


_unique = itertools.count(1)


def unique_number():
    return next(_unique)


def exact_count(page, tag, slug):
    """The count in the database, from count.json (pages may show a count a few seconds old)."""
    response = page.request.get(f"/{tag}/{slug}/count.json")
    assert response.ok, response.status
    return response.json()["count"]


def count_on_page(page):
    """The count the status box was drawn with (below the social-proof threshold its line shows
    the next milestone instead of the count)."""
    return int(page.locator(".status").first.get_attribute("data-count"))


SOCIAL_PROOF_THRESHOLD = 100  # the default of campaign/config.py
PARTNERS = {"unhcr": ("Fathom Film Group", "Hanvoice", "North Korean Human Rights Film Festival")}


def status_line(catalog, slug, count):
    """What the status box's first line says for `count` signatures of an open petition."""
    if count >= SOCIAL_PROOF_THRESHOLD:
        return catalog.signatures(count)
    milestone = catalog.number(SOCIAL_PROOF_THRESHOLD)
    if slug in PARTNERS:
        from babel.lists import format_list

        partners = format_list(list(PARTNERS[slug]), locale=catalog.babel_name)
        return catalog.n("Join %(partners)s: help us reach %(milestone)s signature.",
                         "Join %(partners)s: help us reach %(milestone)s signatures.", SOCIAL_PROOF_THRESHOLD,
                         partners=partners, milestone=milestone)
    return catalog.n("Help us reach %(milestone)s signature.", "Help us reach %(milestone)s signatures.",
                     SOCIAL_PROOF_THRESHOLD, milestone=milestone)


def gzip_size(body):
    return len(gzip.compress(body, compresslevel=6))


def screenshot_path(kind, name):
    path = SCREENSHOTS / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def requires_confirmation(live_server, slug):
    from campaign.campaigns import definitions
    from campaign.petitions.confirmation import confirmation_required

    with live_server.app.app_context():
        return confirmation_required(next(d for d in definitions() if d.slug == slug))


def emailed_confirmation_link(live_server, email):
    """The link in the confirmation email waiting in the outbox for `email`, on this test server."""
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import OutboxMessage as Outbox

    with live_server.app.app_context():
        body = db.session.execute(select(Outbox.body_text).where(Outbox.to_address == email,
                                                                 Outbox.kind == "confirm")).scalar_one()
    link = re.search(r"https?://\S+", body).group(0)
    return live_server.url + "/" + link.split("/", 3)[3]
