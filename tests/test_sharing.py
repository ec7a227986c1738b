"""Sharing: share links per language, Open Graph tags, the share image and QR code, partners and
social proof, and no third-party request from our pages."""
import io
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import segno
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from bs4 import BeautifulSoup
from flask_babel import force_locale
from PIL import Image, ImageChops

from campaign.campaigns import unhcr, xi
from campaign.config import DefaultConfig
from campaign.extensions import db
from campaign.models import SignatureCounter
from campaign.petitions.definition import CampaignState
from campaign.sharing import image
from campaign.sharing.qr import ERROR_LEVEL
from campaign.sharing.social_proof import social_proof
from campaign.translate import translations_dir

# From the configuration: every served language, and those offered to visitors (not in preview).
LANGS = DefaultConfig.LANGUAGES
OFFERED = [LANGS[0], *DefaultConfig.SHIPPED_LANGUAGES]
# Open Graph's language_TERRITORY for each language we serve or may start (a new one: add it here).
OG_LOCALES = {"en": "en_US", "ko": "ko_KR", "zh-Hans": "zh_CN", "zh-Hant": "zh_TW", "ja": "ja_JP"}
SITE = "https://petitions.example.org"
PARTNERS = ("Fathom Film Group", "Hanvoice", "North Korean Human Rights Film Festival")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def site_app(make_app):
    return make_app(SITE_URL=SITE)


def soup(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def translations(lang):
    if lang == "en":
        return NullTranslations()
    return Translations.load(str(translations_dir()), [lang.replace("-", "_")])


def title_in(app, definition, lang):
    with app.test_request_context(f"/{lang}/"), force_locale(lang.replace("-", "_")):
        return str(definition.title)


def share_link(page, service):
    return page.select_one(f".share a.share-{service}")["href"]


def only_encoded(url):
    """Nothing in a share URL may need escaping again: no spaces, no raw non-ASCII, no + for a space."""
    assert re.fullmatch(r"[A-Za-z0-9:/?&=%._~#-]+", url), url
    assert "+" not in url


# --- share links -------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_x_link_carries_the_localized_text_page_and_hashtag(site_app, lang):
    page = soup(site_app.test_client(), f"/{lang}/unhcr/")
    url = share_link(page, "x")
    only_encoded(url)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "twitter.com", "/intent/tweet")
    query = parse_qs(parts.query, strict_parsing=True)
    assert query["url"] == [f"{SITE}/{lang}/unhcr/"]
    text = query["text"][0]
    assert title_in(site_app, unhcr.definition, lang) in text
    # The hashtag is in the text (the title carries it) or in the hashtags parameter, once.
    tagged = text + " " + " ".join("#" + tag for tag in query.get("hashtags", []))
    assert tagged.count("#EscapeNorthKorea") == 1, tagged


def test_x_link_adds_the_hashtag_when_the_text_lacks_it(site_app):
    from campaign.sharing.links import x_url

    without = unhcr.definition.__class__(**{**unhcr.definition.__dict__, "title": "Help refugees"})
    with site_app.test_request_context("/en/unhcr/"):
        query = parse_qs(urlsplit(x_url(without, "en")).query)
    assert query["hashtags"] == ["EscapeNorthKorea"] and "#" not in query["text"][0]


def test_campaign_without_hashtag_sends_none(site_app):
    query = parse_qs(urlsplit(share_link(soup(site_app.test_client(), "/en/xi/"), "x")).query)
    assert "hashtags" not in query and "#" not in query["text"][0]
    assert xi.definition.hashtag is None and unhcr.definition.hashtag == "EscapeNorthKorea"


@pytest.mark.parametrize("lang", LANGS)
def test_facebook_line_and_email_links(site_app, lang):
    page = soup(site_app.test_client(), f"/{lang}/xi/")
    page_url = f"{SITE}/{lang}/xi/"
    title = title_in(site_app, xi.definition, lang)

    facebook = urlsplit(share_link(page, "facebook"))
    assert facebook.netloc == "www.facebook.com" and parse_qs(facebook.query) == {"u": [page_url]}

    line_url = share_link(page, "line")
    only_encoded(line_url)
    line = urlsplit(line_url)
    assert (line.netloc, line.path) == ("social-plugins.line.me", "/lineit/share")
    assert parse_qs(line.query)["url"] == [page_url] and title in parse_qs(line.query)["text"][0]

    mail = share_link(page, "email")
    only_encoded(mail)
    assert mail.startswith("mailto:?")
    fields = dict(pair.split("=", 1) for pair in mail[len("mailto:?"):].split("&"))
    assert unquote(fields["subject"]) == title
    body = unquote(fields["body"])
    assert title in body and body.endswith("\r\n\r\n" + page_url)


@pytest.mark.parametrize("lang", LANGS)
def test_kakaotalk_leads_to_the_share_sheet_on_our_own_page(site_app, lang):
    client = site_app.test_client()
    href = share_link(soup(client, f"/{lang}/unhcr/"), "kakaotalk")
    assert href == f"/{lang}/unhcr/share#kakaotalk"
    page = soup(client, href.split("#")[0])
    button = page.select_one("#kakaotalk button[data-share-url]")
    assert button["data-share-url"] == f"{SITE}/{lang}/unhcr/" and button.has_attr("hidden")
    assert [script["src"] for script in page.select("script")] == ["/static/share.js"]
    # The field to copy works without script.
    assert page.select_one("#share-url")["value"] == f"{SITE}/{lang}/unhcr/"


def test_share_script_is_served(client):
    response = client.get("/static/share.js")
    text = response.get_data(as_text=True)
    response.close()
    assert "navigator.share" in text and "navigator.clipboard" in text


@pytest.mark.parametrize("lang", LANGS)
def test_share_block_on_sign_and_thanks_pages(site_app, lang):
    client = site_app.test_client()
    for url in (f"/{lang}/congress/", f"/{lang}/congress/thanks"):
        page = soup(client, url)
        services = [a["class"][0] for a in page.select(".share .share-links a")]
        assert services == ["share-x", "share-facebook", "share-line", "share-kakaotalk", "share-email",
                            "share-wechat"], url
        assert page.select_one(".share #share-url")["value"] == f"{SITE}/{lang}/congress/"


# --- Open Graph ----------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_open_graph_and_card_tags(site_app, lang):
    og_locale = OG_LOCALES[lang]
    page = soup(site_app.test_client(), f"/{lang}/unhcr/")

    def meta(name):
        tag = page.find("meta", attrs={"property": name}) or page.find("meta", attrs={"name": name})
        assert tag is not None, name
        return tag["content"]

    title = title_in(site_app, unhcr.definition, lang)
    assert meta("og:title") == title == meta("twitter:title")
    assert meta("og:url") == f"{SITE}/{lang}/unhcr/"
    assert meta("og:locale") == og_locale
    alternates = {tag["content"] for tag in page.find_all("meta", attrs={"property": "og:locale:alternate"})}
    assert alternates == {OG_LOCALES[tag] for tag in OFFERED} - {og_locale}  # a preview language is not offered
    assert meta("og:description") and meta("og:description") == meta("twitter:description")
    assert (meta("og:image:width"), meta("og:image:height")) == ("1200", "630")
    assert meta("twitter:card") == "summary_large_image"
    assert meta("og:image") == meta("twitter:image")
    assert re.fullmatch(rf"{re.escape(SITE)}/{lang}/unhcr/share\.png\?v=[0-9a-f]{{16}}", meta("og:image"))


# --- share image ---------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_share_image_is_a_cached_1200_by_630_png(site_app, lang):
    client = site_app.test_client()
    og_image = soup(client, f"/{lang}/xi/").find("meta", attrs={"property": "og:image"})["content"]
    path = og_image[len(SITE):]
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png"
    picture = Image.open(io.BytesIO(response.data))
    assert picture.format == "PNG" and picture.size == (1200, 630)
    cache = response.cache_control
    assert cache.public and cache.max_age >= 365 * 24 * 3600 and cache.immutable
    assert "Set-Cookie" not in response.headers
    # Same texts, same bytes; and a conditional request gets a 304.
    assert client.get(path).data == response.data
    assert client.get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    # Without the current digest the URL may show another image one day: cached for a day only.
    assert client.get(f"/{lang}/xi/share.png?v=old").cache_control.max_age == 24 * 3600


def test_share_image_differs_per_language(site_app):
    client = site_app.test_client()
    images = {lang: client.get(f"/{lang}/unhcr/share.png").data for lang in OFFERED}
    assert len(set(images.values())) == len(OFFERED)


def test_share_image_rendering_is_deterministic():
    texts = ("ko", "탈북민을 도와주세요 #EscapeNorthKorea", "북한자유연합", "청원에 서명하기", "example.org")
    assert image.render(*texts) == image.render(*texts)


@pytest.mark.parametrize("lang,face", [("ko", "Noto Sans CJK KR"), ("zh-Hans", "Noto Sans CJK SC"),
                                       ("zh-Hant", "Noto Sans CJK TC"), ("ja", "Noto Sans CJK JP")])
def test_share_image_uses_the_face_of_the_language(lang, face):
    assert image.font(lang, 40).getname() == (face, "Regular")


NOTDEF = "\ue000"  # a private-use character: Noto Sans CJK draws it as .notdef (a tofu box)


def _mask(face, text):
    mask = face.getmask(text)
    return mask.size, bytes(mask)


@pytest.mark.parametrize("lang,slug", [("ko", "unhcr"), ("ko", "xi"), ("zh-Hans", "xi"), ("zh-Hant", "xi"),
                                       ("zh-Hans", "unhcr"), ("zh-Hant", "unhcr")])
def test_cjk_titles_are_drawn_with_real_glyphs(app, lang, slug):
    definition = {"xi": xi.definition, "unhcr": unhcr.definition}[slug]
    title = title_in(app, definition, lang)
    script = HANGUL if lang == "ko" else HAN
    assert script.search(title), f"the {lang} title is not translated: {title}"
    face = image.font(lang, 60)
    tofu = _mask(face, NOTDEF)
    assert tofu[0] != (0, 0), "the .notdef glyph draws a box"
    for char in set(title) - {" "}:
        assert _mask(face, char) != tofu, f"{char!r} ({lang}) would be drawn as a tofu box"

    # The whole image: replacing the title's letters by .notdef changes it, so they were real glyphs.
    texts = (title, "byline", "call", "example.org")
    drawn = Image.open(io.BytesIO(image.render(lang, *texts)))
    boxes = Image.open(io.BytesIO(image.render(lang, re.sub(r"\S", NOTDEF, title), *texts[1:])))
    assert ImageChops.difference(drawn.convert("RGB"), boxes.convert("RGB")).getbbox() is not None
    # And the title area has ink: white pixels between the byline and the call to action.
    band = drawn.convert("RGB").crop((image.MARGIN, 160, image.WIDTH - image.MARGIN, 480))
    assert image.TEXT == (255, 255, 255) and band.convert("L").histogram()[255] > 2000


def test_long_titles_wrap_inside_the_margins():
    face, lines = image.fit_title("请愿" * 80, "zh-Hans")
    assert len(lines) == image.MAX_TITLE_LINES and lines[-1].endswith("…")
    assert all(face.getlength(line) <= image.WIDTH - 2 * image.MARGIN + face.size for line in lines)
    _face, korean = image.fit_title("시진핑 국가주석께 드리는 청원: 탈북민 강제북송을 멈춰 주십시오!", "ko")
    # Korean breaks between words, never inside one.
    assert len(korean) > 1 and " ".join(korean) == "시진핑 국가주석께 드리는 청원: 탈북민 강제북송을 멈춰 주십시오!"
    # Closing punctuation never starts a Chinese line.
    _face, chinese = image.fit_title("向習近平請願：停止遣返北韓難民！" * 3, "zh-Hant")
    assert all(line[0] not in "：！，。" for line in chinese)


# --- QR code ------------------------------------------------------------------------------------

def svg_modules(svg):
    """The dark modules of a segno SVG, read back from its path (M/m moves, h runs of one row)."""
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    paths = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke")]
    assert len(paths) == 1
    dark = set()
    x = y = 0.0
    for command, args in re.findall(r"([MmHh])([^MmHh]*)", paths[0].get("d")):
        numbers = [float(n) for n in args.replace(",", " ").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            dark.update((int(x + i), int(y)) for i in range(int(numbers[0])))
            x += numbers[0]
    return dark


def matrix_modules(qr, border=4):
    return {(column + border, row + border) for row, line in enumerate(qr.matrix)
            for column, value in enumerate(line) if value}


@pytest.mark.parametrize("lang", LANGS)
def test_qr_code_encodes_the_page_url(site_app, lang):
    response = site_app.test_client().get(f"/{lang}/unhcr/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.cache_control.public and response.cache_control.max_age >= 3600
    url = f"{SITE}/{lang}/unhcr/"
    modules = svg_modules(response.data)
    assert modules == matrix_modules(segno.make(url, error=ERROR_LEVEL, boost_error=False))
    # It is this URL's code and no other: another language's page gives another pattern.
    assert modules != matrix_modules(segno.make(f"{SITE}/en/xi/", error=ERROR_LEVEL, boost_error=False))
    title = ElementTree.fromstring(response.data).find("{http://www.w3.org/2000/svg}title").text
    assert title_in(site_app, unhcr.definition, lang) in title


def test_qr_code_is_shown_on_the_share_page_with_alt_text(site_app):
    qr = soup(site_app.test_client(), "/ko/xi/share").select_one("#wechat img")
    assert qr["src"] == "/ko/xi/qr.svg" and qr["alt"] and qr["width"] == qr["height"]


# --- partners and social proof -------------------------------------------------------------------

def _expected(lang, count, closed=False):
    catalog = translations(lang)
    locale = lang.replace("-", "_")
    partners = format_list(list(PARTNERS), locale=locale)
    values = {"partners": partners, "number": format_decimal(count, locale=locale)}
    if closed:
        if count == 0:
            return catalog.gettext("%(partners)s backed this petition.") % values
        return catalog.ngettext("%(partners)s and %(number)s supporter backed this petition.",
                                "%(partners)s and %(number)s supporters backed this petition.", count) % values
    if count == 0:
        return catalog.gettext("Join %(partners)s and be the first to sign.") % values
    return catalog.ngettext("Join %(partners)s and %(number)s supporter.",
                            "Join %(partners)s and %(number)s supporters.", count) % values


def _line(app, lang, count, closed=False):
    state = CampaignState(definition=unhcr.definition, count=count, goal=1000, deadline=None, closed=closed)
    with app.test_request_context(f"/{lang}/unhcr/"), force_locale(lang.replace("-", "_")):
        return social_proof(state)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("count", [0, 1, 585, 1585])
@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_social_proof_line(app, lang, count, closed):
    line = _line(app, lang, count, closed)
    assert line == _expected(lang, count, closed)
    locale = lang.replace("-", "_")
    assert format_list(list(PARTNERS), locale=locale) in line  # joined the language's way, names untouched
    if count:
        assert format_decimal(count, locale=locale) in line
    else:
        assert "0" not in line


def test_social_proof_in_english():
    from campaign import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    names = "Fathom Film Group, Hanvoice, and North Korean Human Rights Film Festival"
    assert _line(app, "en", 585) == f"Join {names} and 585 supporters."
    assert _line(app, "en", 1) == f"Join {names} and 1 supporter."
    assert _line(app, "en", 0) == f"Join {names} and be the first to sign."
    assert _line(app, "en", 1585, closed=True) == f"{names} and 1,585 supporters backed this petition."
    assert "、" in _line(app, "zh-Hans", 5) and "및" in _line(app, "ko", 5)


def test_partners_and_real_count_on_the_sign_page(app):
    with app.app_context():
        db.session.add(SignatureCounter(campaign="unhcr", shard=0, count=585))
        db.session.commit()
    client = app.test_client()
    page = soup(client, "/en/unhcr/")
    assert [item.get_text() for item in page.select(".partners li[translate=no]")] == list(PARTNERS)
    assert page.select_one(".partners .social-proof").get_text() == _line(app, "en", 585)
    assert "585 supporters" in page.select_one(".partners .social-proof").get_text()
    assert soup(client, "/en/congress/").select_one(".partners") is None


# --- nothing from other hosts ----------------------------------------------------------------------

LOADED = {"script": "src", "img": "src", "iframe": "src", "source": "src", "audio": "src", "video": "src",
          "embed": "src", "object": "data", "input": "src"}


def loaded_urls(page):
    urls = []
    for name, attribute in LOADED.items():
        urls += [tag[attribute] for tag in page.find_all(name) if tag.has_attr(attribute)]
    for link in page.find_all("link"):
        if set(link.get("rel", [])) & {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest"}:
            urls.append(link["href"])
    for tag in page.find_all(style=True):
        urls += re.findall(r"url\(([^)]*)\)", tag["style"])
    return urls


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", ["congress/", "xi/", "unhcr/", "unhcr/thanks", "unhcr/share", "unhcr/widget"])
def test_our_pages_load_nothing_from_other_hosts(site_app, lang, path):
    page = soup(site_app.test_client(), f"/{lang}/{path}")
    urls = loaded_urls(page)
    assert any(url.endswith("site.css") for url in urls)
    for url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "" and parts.netloc == "" and url.startswith("/"), url
    if path in ("congress/", "xi/", "unhcr/", "unhcr/thanks"):
        assert page.find("script") is None  # sign and thanks pages ship no JavaScript
