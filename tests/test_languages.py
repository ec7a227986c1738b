"""Languages: negotiation at `/`, per-language pages, switcher, 404s, localized 429 and closed pages."""
import re
from datetime import date, timedelta

import pytest
from babel.support import Translations

from campaign.config import DefaultConfig
from campaign.i18n import babel_name, format_count, native_name
from campaign.translate import translations_dir
from conftest import confirm_pending, sign

# From the configuration: a language added in preview is served (LANGS) but offered nowhere (OFFERED).
LANGS = DefaultConfig.LANGUAGES
OFFERED = [LANGS[0], *DefaultConfig.SHIPPED_LANGUAGES]
CAMPAIGNS = ["congress", "xi", "unhcr", "coalition"]


@pytest.mark.parametrize("header, cookie, expected", [
    (None, None, "en"),
    ("ko-KR,ko;q=0.9,en;q=0.8", None, "ko"),
    ("zh", None, "zh-Hans"),
    ("zh-CN,zh;q=0.9", None, "zh-Hans"),
    ("zh-SG", None, "zh-Hans"),
    ("zh-TW", None, "zh-Hant"),
    ("zh-HK,en;q=0.5", None, "zh-Hant"),
    ("zh-MO", None, "zh-Hant"),
    ("zh-Hant-TW", None, "zh-Hant"),
    ("zh-Hans-HK", None, "zh-Hans"),
    ("fr-FR,de;q=0.9", None, "en"),
    ("fr-FR,ko;q=0.5", None, "ko"),
    ("en-US,zh-TW;q=0.9", None, "en"),
    ("ko", "zh-Hant", "zh-Hant"),
    ("ko", "xx-bogus", "ko"),
    (None, "zh-Hans", "zh-Hans"),
])
def test_root_negotiates_and_varies(client, header, cookie, expected):
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get("/", headers={"Accept-Language": header} if header else {})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{expected}/"
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize("slug", CAMPAIGNS)
@pytest.mark.parametrize("lang", LANGS)
def test_sign_page_in_language_with_alternates_and_switcher(client, slug, lang):
    response = client.get(f"/{lang}/{slug}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in html
    for other in OFFERED:
        assert f'<link rel="alternate" hreflang="{other}" href="/{other}/{slug}/">' in html
        # The switcher stays on the same page.
        assert f'<a href="/{other}/{slug}/" lang="{other}" hreflang="{other}"' in html
        assert native_name(other) in html  # English, 한국어, 简体中文, 繁體中文
    for preview in set(LANGS) - set(OFFERED):
        assert f'hreflang="{preview}"' not in html


def test_choosing_a_language_is_remembered_for_root(client):
    client.get("/zh-Hant/xi/")
    assert client.get("/", headers={"Accept-Language": "ko"}).headers["Location"] == "/zh-Hant/"


def test_the_language_cookie_is_set_on_private_pages_only(app, client):
    """site.remember_language reads the response's headers as strings; a Set-Cookie on a public
    page would keep proxies from caching it, and a JSON or error answer chooses no language."""
    name = app.config["LANGUAGE_COOKIE"]

    def language_cookies(response):
        return [value for value in response.headers.getlist("Set-Cookie") if value.startswith(f"{name}=")]

    sign_page = client.get("/ko/xi/")
    assert "private" in sign_page.headers["Cache-Control"]
    assert [value.split(";")[0] for value in language_cookies(sign_page)] == [f"{name}=ko"]
    for url in ("/zh-Hans/xi/thanks", "/zh-Hans/xi/count.json", "/zh-Hans/no-such-campaign/"):
        response = client.get(url)
        assert response.status_code in (200, 404)
        assert language_cookies(response) == [], url
    assert client.get("/", headers={"Accept-Language": "en"}).headers["Location"] == "/ko/"


@pytest.mark.parametrize("url", ["/fr/", "/fr/xi/", "/ZH-HANS/xi/", "/zh/xi/", "/en/nope/", "/ko/xi/thanks/extra"])
def test_unknown_language_or_page_is_404(client, url):
    assert client.get(url).status_code == 404


def test_404_page_is_in_the_language_of_the_url(client):
    response = client.get("/zh-Hant/no-such-campaign/")
    assert response.status_code == 404
    assert '<html lang="zh-Hant">' in response.get_data(as_text=True)


def catalog(lang):
    return Translations.load(str(translations_dir()), [lang.replace("-", "_")])


def test_rate_limit_answers_429_in_language_with_retry_after(make_app, rows):
    client = make_app(SIGN_RATE_LIMIT="2 per minute").test_client()
    assert sign(client, "unhcr", "ko").status_code == 303
    assert sign(client, "unhcr", "ko", email="second@example.org").status_code == 303
    response = sign(client, "unhcr", "ko", email="third@example.org")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 61  # a minute window, rounded up
    assert '<html lang="ko">' in html
    assert catalog("ko").gettext("Too many attempts") in html
    assert rows() == 2
    # Limits are per campaign: another petition still accepts this address.
    assert sign(client, "xi", "ko").status_code == 303


def test_forwarded_for_is_ignored_without_proxy_fix(make_app):
    client = make_app(SIGN_RATE_LIMIT="1 per minute").test_client()
    assert sign(client, "xi").status_code == 303
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    assert sign(client, "xi", email="other@example.org").status_code == 429


def test_forwarded_for_is_trusted_with_proxy_fix(make_app):
    client = make_app(SIGN_RATE_LIMIT="1 per minute", PROXY_FIX=1).test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.9"
    assert sign(client, "xi").status_code == 303
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.10"
    assert sign(client, "xi", email="other@example.org").status_code == 303


@pytest.mark.parametrize("lang", LANGS)
def test_closed_campaign_shows_final_count_and_refuses(make_app, rows, lang):
    open_app = make_app()
    client = open_app.test_client()
    assert sign(client, "xi", lang).status_code == 303
    confirm_pending(open_app)
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    closed = make_app(XI_DEADLINE=yesterday).test_client()
    page = closed.get(f"/{lang}/xi/").get_data(as_text=True)
    assert 'name="csrf_token"' not in page  # no form
    final = catalog(lang).ngettext("Final count: %(num)s signature", "Final count: %(num)s signatures", 1)
    assert final % {"num": "1"} in page
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(f"/{lang}/xi/").get_data(as_text=True)).group(1)
    response = closed.post(f"/{lang}/xi/", data={"csrf_token": token, "email": "late@example.org"})
    assert response.status_code == 403
    assert catalog(lang).gettext("This petition is closed and no longer accepts signatures.") in \
        response.get_data(as_text=True)
    assert rows() == 1


def test_deadline_is_open_through_its_last_day_in_campaign_time():
    from datetime import datetime, timezone

    from campaign.petitions.counting import deadline_passed

    deadline = date(2026, 12, 10)
    # 23:30 on December 10 in New York is 04:30 UTC on December 11: still open.
    assert not deadline_passed(deadline, "America/New_York", datetime(2026, 12, 11, 4, 30, tzinfo=timezone.utc))
    assert deadline_passed(deadline, "America/New_York", datetime(2026, 12, 11, 5, 0, tzinfo=timezone.utc))


@pytest.mark.parametrize("lang, formatted_deadline, prisoners", [
    ("en", "December 10, 2026", "200,000"), ("ko", "2026년 12월 10일", "20만 명"),
    ("zh-Hans", "2026年12月10日", "20万名"), ("zh-Hant", "2026年12月10日", "20萬名"),
])
def test_dates_and_numbers_are_formatted_per_locale(make_app, lang, formatted_deadline, prisoners):
    client = make_app(XI_DEADLINE="2026-12-10").test_client()
    html = client.get(f"/{lang}/xi/").get_data(as_text=True)
    assert formatted_deadline in html
    unhcr = client.get(f"/{lang}/unhcr/").get_data(as_text=True)
    assert prisoners in unhcr  # round numbers as each language writes them (2만~20만 명)


@pytest.mark.parametrize("locale", [*(babel_name(tag) for tag in LANGS), "hi", "fr", "de_CH", "es"])
def test_counts_are_written_exactly_as_babel_writes_them(app, locale):
    """The `number` filter writes whole numbers with Python's own grouping where the language
    groups by three digits (a dashboard writes hundreds of counts); it must give babel's string,
    and babel's own where the language groups otherwise (India: 12,34,567; Spain: 1000 but
    10.000)."""
    from flask_babel import force_locale, format_decimal

    from campaign.i18n import _group_symbol_every_three_digits

    with app.test_request_context(), force_locale(locale):
        for value in (0, 7, 999, 1000, 12345, 999999, 1234567, 10**12, -5, 2.5):
            assert format_count(value) == format_decimal(value), (locale, value)
    # The site's own languages take the quick way; India's and Swiss German's grouping do not.
    quick = _group_symbol_every_three_digits(locale) is not None
    assert quick == (locale not in ("hi", "de_CH")), locale
