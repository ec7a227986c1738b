"""A new language starts in preview: `flask translate init ja` plus one configuration line serve /ja/…
to whoever opens the URL, with a notice in Japanese and in English, and nothing offers it (negotiation,
switcher, hreflang, og:locale:alternate) until it is promoted to SHIPPED_LANGUAGES."""
import re
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from click.testing import CliRunner
from PIL import ImageFont

from campaign import i18n
from campaign.config import DefaultConfig
from campaign.delivery import fonts
from campaign.sharing import image
from campaign.translate import po_path, translate
from catalog_support import copy_catalogs, set_translation

NOTICE = "This translation is not finished yet: some text on this page is shown in English."
JAPANESE_NOTICE = i18n.PREVIEW_NOTICES["ja"]
OFFERED = [DefaultConfig.LANGUAGES[0], *DefaultConfig.SHIPPED_LANGUAGES]


WITH_JA = [*DefaultConfig.LANGUAGES, *(["ja"] if "ja" not in DefaultConfig.LANGUAGES else [])]


def absent_language():
    """A language Babel knows that is not configured, has no catalog and no written preview notice."""
    return next(tag for tag in ("de", "fr", "es", "ru", "vi", "th", "mn")
                if tag not in DefaultConfig.LANGUAGES and tag not in i18n.PREVIEW_NOTICES
                and not po_path(DefaultConfig.BABEL_TRANSLATION_DIRECTORIES, tag).exists())


@pytest.fixture
def catalogs(tmp_path):
    """A copy of the catalogs with Japanese started (`flask translate init ja`, unless it already is)."""
    if "ja" in DefaultConfig.SHIPPED_LANGUAGES:
        pytest.skip("Japanese is shipped: these tests need a language in preview")
    directory = copy_catalogs(tmp_path)
    if not po_path(directory, "ja").exists():
        result = CliRunner().invoke(translate, ["init", "ja", "--directory", str(directory)])
        assert result.exit_code == 0, result.output
    return directory


@pytest.fixture
def preview(catalogs, make_app):
    """The site with `ja` configured (one line in LANGUAGES) and not shipped."""
    return make_app(LANGUAGES=WITH_JA, BABEL_TRANSLATION_DIRECTORIES=str(catalogs), SITE_URL="https://petitions.example.org")


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_a_preview_language_is_served_at_its_url_with_a_notice_in_both_languages(preview):
    soup = page(preview.test_client(), "/ja/xi/")
    assert soup.html["lang"] == "ja"
    notice = soup.select_one(".incomplete-translation")
    # Written for Japanese in i18n.PREVIEW_NOTICES, or the catalog's own translation once there is one.
    assert notice.select_one('[lang="ja"]').get_text() in (JAPANESE_NOTICE, _catalog_notice(preview))
    assert notice.select_one('[lang="en"]').get_text() == NOTICE
    # Family name first, as on the Korean and Chinese pages.
    html = str(soup)
    assert html.index('for="last_name"') < html.index('for="first_name"')


def _catalog_notice(app):
    with app.test_request_context("/ja/"):
        from flask import g
        from flask_babel import gettext

        g.lang = "ja"
        return gettext(NOTICE)


def test_a_preview_language_is_offered_nowhere(preview):
    client = preview.test_client()
    soup = page(client, "/ja/unhcr/")
    assert [link["hreflang"] for link in soup.select('link[rel="alternate"][hreflang]')] == OFFERED
    assert [a["hreflang"] for a in soup.select("nav.languages a")] == OFFERED
    assert "日本語" not in soup.select_one("nav.languages").get_text()
    assert soup.find("meta", attrs={"property": "og:locale"})["content"] == "ja_JP"
    english = page(client, "/en/unhcr/")
    alternates = {tag["content"] for tag in english.find_all("meta", attrs={"property": "og:locale:alternate"})}
    assert "ja_JP" not in alternates
    assert client.get("/", headers={"Accept-Language": "ja-JP,ja;q=0.9"}).headers["Location"] == "/en/"
    # Having opened a Japanese page does not make `/` choose Japanese either.
    reader = preview.test_client()
    page(reader, "/ja/xi/")
    assert reader.get("/", headers={"Accept-Language": "ko"}).headers["Location"] == "/ko/"


def test_promoting_the_language_offers_it(catalogs, make_app):
    app = make_app(LANGUAGES=WITH_JA, SHIPPED_LANGUAGES=[*DefaultConfig.SHIPPED_LANGUAGES, "ja"],
                   BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    client = app.test_client()
    assert client.get("/", headers={"Accept-Language": "ja-JP"}).headers["Location"] == "/ja/"
    soup = page(client, "/ko/xi/")
    assert "ja" in [a["hreflang"] for a in soup.select("nav.languages a")]
    assert "日本語" in soup.select_one("nav.languages").get_text()


def test_the_catalogs_own_translation_of_the_notice_wins(catalogs, make_app):
    set_translation(catalogs, "ja", NOTICE, "翻訳は作業中です。一部の文は英語のままです。")
    app = make_app(LANGUAGES=WITH_JA, BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    notice = page(app.test_client(), "/ja/").select_one(".incomplete-translation")
    assert notice.select_one('[lang="ja"]').get_text() == "翻訳は作業中です。一部の文は英語のままです。"


def test_a_language_nobody_wrote_the_notice_for_shows_it_in_english(catalogs, make_app):
    tag = absent_language()
    result = CliRunner().invoke(translate, ["init", tag, "--directory", str(catalogs)])
    assert result.exit_code == 0, result.output
    app = make_app(LANGUAGES=[*DefaultConfig.LANGUAGES, tag], BABEL_TRANSLATION_DIRECTORIES=str(catalogs))
    notice = page(app.test_client(), f"/{tag}/").select_one(".incomplete-translation")
    assert notice.select_one(f'[lang="{tag}"]') is None and notice.get_text(strip=True) == NOTICE


def test_shipped_languages_show_no_notice_unless_incomplete(app):
    client = app.test_client()
    for tag in OFFERED:
        notice = page(client, f"/{tag}/xi/").select_one(".incomplete-translation")
        # A shipped catalog is complete (the gate); while one is not, its pages say so in English.
        assert notice is None or (tag in app.config["INCOMPLETE_LANGUAGES"] and notice.select_one(f'[lang="{tag}"]') is None)


def test_share_image_and_packets_choose_a_face_for_any_language():
    # noto-cjk-sans-otc has Noto Sans CJK JP (the face Noto Sans JP is cut from) as face 0.
    assert image.font("ja", 40).getname() == ("Noto Sans CJK JP", "Regular")
    assert image.font("zh-Hant", 40).getname() == ("Noto Sans CJK TC", "Regular")
    assert image.font("de", 40).getname() == ("Noto Sans CJK KR", "Regular")  # Latin: any face
    assert fonts.face_for("山田太郎", "ja") == "ja"  # kanji written by someone who signed in Japanese
    assert fonts.face_for("陳美玲", "zh-Hant") == "zh-Hant" and fonts.face_for("金", "ko") == "ko"
    face = ImageFont.truetype(str(fonts.FONT_PATH), 20, index=fonts.FACE_INDEX["ja"])
    assert face.getname()[0] == "Noto Sans CJK JP"


@pytest.mark.parametrize("tag, variant", [("ja", "JP"), ("ko", "KR"), ("zh-Hans", "SC"), ("zh-Hant", "TC"),
                                          ("zh-HK", "HK"), ("zh", "SC"), ("en", None), ("de", None)])
def test_han_variant(tag, variant):
    assert i18n.han_variant(tag) == variant


# --- a translator's preview server (python3 dev.py serve) ------------------------------------------

def test_show_msgid_marks_every_string_with_its_entry(make_app):
    client = make_app(TRANSLATION_PREVIEW=True).test_client()
    html = client.get("/ko/xi/?show=msgid").get_data(as_text=True)
    assert "⟦letter:xi ▸ Dear Mr. President:⟧" in html
    assert "⟦Open for signatures until %(date)s.⟧" in html  # placeholders as the catalog writes them
    assert "⟦letter:xi" not in client.get("/ko/xi/").get_data(as_text=True)


def test_show_msgid_does_nothing_on_a_public_site(client):
    assert "⟦" not in client.get("/ko/xi/?show=msgid").get_data(as_text=True)


def test_the_preview_server_compiles_changed_catalogs_at_start(tmp_path, make_app):
    catalogs = copy_catalogs(tmp_path)
    path = set_translation(catalogs, "ko", "Skip to the main content", "본문 바로가기")
    catalog_text = path.read_text(encoding="utf-8").replace('msgstr "본문 바로가기"', 'msgstr "본문으로 건너뛰기"')
    path.write_text(catalog_text, encoding="utf-8")  # saved by a translator; its .mo is now older
    mo = path.with_suffix(".mo")
    import os
    os.utime(mo, (mo.stat().st_mtime - 10, mo.stat().st_mtime - 10))
    html = make_app(TRANSLATION_PREVIEW=True, BABEL_TRANSLATION_DIRECTORIES=str(catalogs)).test_client() \
        .get("/ko/xi/").get_data(as_text=True)
    assert "본문으로 건너뛰기" in html


def test_translation_preview_is_refused_in_production():
    app = SimpleNamespace(config={"LANGUAGES": ["en"], "SHIPPED_LANGUAGES": [], "TRANSLATION_PREVIEW": True,
                                  "CAMPAIGN_ENV": "production", "BABEL_TRANSLATION_DIRECTORIES": "translations"})
    with pytest.raises(i18n.LocaleConfigurationError, match="TRANSLATION_PREVIEW"):
        i18n.check_configuration(app)


def test_every_configured_language_has_a_catalog():
    """The real configuration: every language in LANGUAGES (preview or shipped) was started with init."""
    for tag in DefaultConfig.LANGUAGES[1:]:
        assert po_path(DefaultConfig.BABEL_TRANSLATION_DIRECTORIES, tag).exists(), tag
    assert set(DefaultConfig.SHIPPED_LANGUAGES) <= set(DefaultConfig.LANGUAGES)
    assert re.fullmatch(r"[a-z]{2,3}", DefaultConfig.LANGUAGES[0])
