"""The embeddable widget: count, goal and a sign button that opens a new tab; the one page that
other sites may frame, with the frame policy from WIDGET_FRAME_ANCESTORS."""
import pytest
from babel.numbers import format_decimal
from bs4 import BeautifulSoup

from campaign import create_app
from campaign.extensions import db
from campaign.models import SignatureCounter
from campaign.security import FrameAncestorsError

SITE = "https://petitions.example.org"


def frame_ancestors(response):
    directives = [d.strip() for d in response.headers["Content-Security-Policy"].split(";")]
    found = [d for d in directives if d.startswith("frame-ancestors ")]
    assert len(found) == 1, directives
    return found[0][len("frame-ancestors "):]


@pytest.mark.parametrize("lang", ["en", "ko", "zh-Hans", "zh-Hant"])
def test_widget_shows_count_goal_and_a_sign_button(make_app, lang):
    app = make_app(SITE_URL=SITE)
    with app.app_context():
        db.session.add(SignatureCounter(campaign="unhcr", shard=3, count=1234))
        db.session.commit()
    response = app.test_client().get(f"/{lang}/unhcr/widget")
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.html["lang"] == lang
    number = format_decimal(1234, locale=lang.replace("-", "_"))
    assert number in page.select_one(".status .count").get_text()
    progress = page.select_one("progress")
    assert (progress["value"], progress["max"]) == ("1000", "1000")
    assert progress.has_attr("aria-label")
    button = page.select_one("a.button")
    assert button["href"] == f"{SITE}/{lang}/unhcr/"
    assert button["target"] == "_blank" and "noopener" in button["rel"]
    # Light: no script, no image, one stylesheet, no header or footer.
    assert page.find("script") is None and page.find("img") is None
    assert len(page.select("link[rel=stylesheet]")) == 1 and page.find("header") is None
    # The same for everyone: briefly cacheable, no cookie.
    assert response.cache_control.public and "Set-Cookie" not in response.headers


def test_closed_widget_shows_the_final_count_and_links_to_read(make_app):
    response = make_app(XI_DEADLINE="2000-01-01").test_client().get("/en/xi/widget")
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Final count" in page.select_one(".status .count").get_text()
    assert page.select_one("a.button").get_text(" ", strip=True).startswith("Read the petition")


def test_widget_may_be_framed_by_anyone_by_default(client):
    response = client.get("/en/unhcr/widget")
    assert frame_ancestors(response) == "*"
    assert "X-Frame-Options" not in response.headers
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp


@pytest.mark.parametrize("setting,expected", [
    ("https://hanvoice.example https://*.example.org", "https://hanvoice.example https://*.example.org"),
    (["https://fathom.example", "'self'"], "https://fathom.example 'self'"),
    ("'none'", "'none'"),
])
def test_widget_frame_ancestors_from_config(make_app, setting, expected):
    response = make_app(WIDGET_FRAME_ANCESTORS=setting).test_client().get("/ko/xi/widget")
    assert frame_ancestors(response) == expected
    assert "X-Frame-Options" not in response.headers


@pytest.mark.parametrize("setting", ["https://a.example; script-src *", "", "https://a.example,https://b.example",
                                     "'unsafe-inline'", "https://a.example'"])
def test_bad_frame_ancestors_stop_the_app(setting):
    with pytest.raises(FrameAncestorsError, match="WIDGET_FRAME_ANCESTORS"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "WIDGET_FRAME_ANCESTORS": setting})


def test_frame_ancestors_from_the_environment(monkeypatch):
    monkeypatch.setenv("WIDGET_FRAME_ANCESTORS", "https://partner.example")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["WIDGET_FRAME_ANCESTORS"] == "https://partner.example"


@pytest.mark.parametrize("url", ["/en/", "/en/unhcr/", "/ko/unhcr/thanks", "/zh-Hans/unhcr/share",
                                 "/en/unhcr/share.png", "/en/unhcr/qr.svg", "/en/unhcr/count.json",
                                 "/zh-Hant/xi/", "/en/no-such-page"])
def test_every_other_page_refuses_to_be_framed(make_app, url):
    response = make_app(WIDGET_FRAME_ANCESTORS="*").test_client().get(url)
    assert frame_ancestors(response) == "'none'", url
    assert response.headers["X-Frame-Options"] == "DENY", url


def test_share_page_shows_the_embed_code(make_app):
    app = make_app(SITE_URL=SITE)
    page = BeautifulSoup(app.test_client().get("/zh-Hant/unhcr/share").get_data(as_text=True), "html.parser")
    code = page.select_one("textarea#embed-code")
    assert page.select_one("label[for=embed-code]") is not None and code.has_attr("readonly")
    frame = BeautifulSoup(code.get_text(), "html.parser").find("iframe")
    assert frame["src"] == f"{SITE}/zh-Hant/unhcr/widget"
    assert frame["title"] and "#EscapeNorthKorea" in frame["title"]
    assert (frame["width"], frame["height"]) == tuple(str(n) for n in app.config["WIDGET_SIZE"])
    assert page.select_one("#embed a")["href"] == "/zh-Hant/unhcr/widget"


def test_embed_code_escapes_the_title(make_app):
    from campaign.sharing.links import embed_code
    from campaign.campaigns.xi import definition

    app = make_app()
    with app.test_request_context("/en/xi/"):
        code = embed_code(definition, "en", 'A "quoted" <title>')
    assert 'title="A &#34;quoted&#34; &lt;title&gt;"' in code
