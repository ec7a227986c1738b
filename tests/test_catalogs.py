"""Gates that keep every language whole: fresh template, complete catalogs, intact placeholders,
and a pseudo-locale proving that every visible word on every page comes from a catalog."""
import re
import shutil
import subprocess

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po
from bs4 import BeautifulSoup
from click.testing import CliRunner

from campaign import create_app
from campaign.config import DefaultConfig, PROJECT_ROOT
from campaign.translate import (PLACEHOLDER, compile_catalogs, configured_languages, extract_catalog, find_problems,
                                pot_path, template_is_current, translate, translations_dir, write_catalog)
from conftest import VALID_SIGNERS, csrf_token, sign

SHIPPED = DefaultConfig.SHIPPED_LANGUAGES


def test_committed_template_equals_a_fresh_extract():
    """messages.pot says what the code says (its line numbers may lag until the next update)."""
    if not template_is_current(pot_path(translations_dir()), extract_catalog()):
        problems = find_problems(translations_dir(), [])
        pytest.fail("\n".join(problems))


def test_extract_is_deterministic():
    from campaign.translate import render_pot

    assert render_pot(extract_catalog()) == render_pot(extract_catalog())


def test_catalogs_have_no_problems():
    """Shipped languages complete and correct; languages in preview may be incomplete, never broken."""
    problems = find_problems(translations_dir(), SHIPPED, languages=configured_languages())
    assert problems == [], "\n".join(problems)


def test_every_string_has_its_own_translators_comment():
    """A comment above a group reaches only its first string: each needs its own, saying where it shows."""
    missing = [f"{message.locations[0][0]}:{message.locations[0][1]}: {message.id!r}"
               for message in extract_catalog() if message.id and not message.auto_comments]
    assert missing == [], "no Translators: comment:\n" + "\n".join(missing)


def test_korean_and_chinese_have_one_plural_form():
    for tag in SHIPPED:
        with open(translations_dir() / tag.replace("-", "_") / "LC_MESSAGES" / "messages.po", "rb") as handle:
            catalog = read_po(handle)
        assert catalog.num_plurals == 1 and catalog.plural_expr == "0", tag


def test_compiled_catalogs_are_not_committed():
    if not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                             check=True).stdout
    assert tracked == ""


# --- the gates catch what they must, naming the file and line -------------------------------------

@pytest.fixture
def catalog_copy(tmp_path):
    target = tmp_path / "translations"
    shutil.copytree(translations_dir(), target)
    return target


def _edit_po(directory, tag, change):
    path = directory / tag / "LC_MESSAGES" / "messages.po"
    with open(path, "rb") as handle:
        catalog = read_po(handle)
    change(catalog)
    write_catalog(path, catalog)
    return path


def _first_with_placeholder(catalog):
    return next(m for m in catalog if m.id and isinstance(m.id, str) and PLACEHOLDER.search(m.id))


def test_gate_reports_broken_placeholder_with_file_and_line(catalog_copy):
    def break_placeholder(catalog):
        message = _first_with_placeholder(catalog)
        message.string = PLACEHOLDER.sub("%(oops)s", message.string or message.id, count=1)
    path = _edit_po(catalog_copy, "ko", break_placeholder)
    problems = find_problems(catalog_copy, ["ko"])
    assert any(re.match(rf"{re.escape(str(path))}:\d+: .*uses %\(oops\)s, which the English does not have", p)
               for p in problems), problems


def test_gate_reports_fuzzy_entry(catalog_copy):
    def make_fuzzy(catalog):
        next(m for m in catalog if m.id).flags.add("fuzzy")
    path = _edit_po(catalog_copy, "zh_Hant", make_fuzzy)
    assert any(p.startswith(f"{path}:") and "fuzzy" in p for p in find_problems(catalog_copy, ["zh-Hant"]))


def test_gate_reports_untranslated_entry(catalog_copy):
    def untranslate(catalog):
        message = next(m for m in catalog if m.id and isinstance(m.id, str))
        message.string = ""
    path = _edit_po(catalog_copy, "zh_Hans", untranslate)
    assert any(p.startswith(f"{path}:") and "not translated" in p for p in find_problems(catalog_copy, ["zh-Hans"]))


def test_gate_reports_new_template_string_not_in_catalogs(tmp_path, catalog_copy):
    source = tmp_path / "source"
    shutil.copytree(PROJECT_ROOT / "campaign", source / "campaign", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "babel.cfg", source / "babel.cfg")
    page = source / "campaign" / "templates" / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace(
        "{% block main %}", "{% block main %}<p>{{ _('A sentence nobody translated yet') }}</p>"), encoding="utf-8")
    problems = find_problems(catalog_copy, ["ko"], source_root=source)
    assert any(re.match(r"campaign/templates/index\.html:\d+: msgid 'A sentence nobody translated yet' is not in "
                        r"messages\.pot", p) for p in problems), problems


# --- a new language is one config line plus `flask translate init` (tests/test_preview_language.py) ---

def absent_language():
    """A language Babel knows that is neither configured nor started in translations/."""
    return next(tag for tag in ("ja", "fr", "de", "es", "ru", "vi", "th", "mn")
                if tag not in DefaultConfig.LANGUAGES and not (translations_dir() / tag).exists())


def test_new_language_is_served_in_preview_with_english_fallbacks_flagged(catalog_copy, make_app):
    tag = absent_language()
    result = CliRunner().invoke(translate, ["init", tag, "--directory", str(catalog_copy)])
    assert result.exit_code == 0, result.output
    app = make_app(LANGUAGES=[*DefaultConfig.LANGUAGES, tag], BABEL_TRANSLATION_DIRECTORIES=str(catalog_copy))
    client = app.test_client()
    html = client.get(f"/{tag}/xi/").get_data(as_text=True)
    assert f'<html lang="{tag}">' in html
    assert 'class="wrap incomplete-translation"' in html and '<span lang="en" translate="no">' in html
    assert f'hreflang="{tag}"' not in html  # in preview: not offered
    assert client.get("/", headers={"Accept-Language": tag}).headers["Location"] == "/en/"


def test_configured_language_without_catalog_stops_the_app(tmp_path):
    from campaign.i18n import LocaleConfigurationError

    with pytest.raises(LocaleConfigurationError, match="flask translate"):
        create_app({"LANGUAGES": [*DefaultConfig.LANGUAGES, absent_language()], "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# --- pseudo-locale: every visible string on every page must come from a catalog -----------------

PSEUDO = "eo"  # a locale Babel knows and we do not ship; its catalog is generated below
INNERMOST_MARKED = re.compile(r"⟦[^⟦⟧]*⟧")


def strip_marked(text):
    """Remove catalog text, innermost first: a placeholder's value may itself come from a catalog."""
    while True:
        stripped = INNERMOST_MARKED.sub("", text)
        if stripped == text:
            return text
        text = stripped


def _pseudo_translate(text):
    """Mark the text between tags: a message may hold inline markup (<strong>, <a href=…>)."""
    return "".join(part if part.startswith("<") or not part.strip() else f"⟦{part}⟧"
                   for part in re.split(r"(<[^>]+>)", text))


@pytest.fixture
def pseudo_app(catalog_copy, make_app):
    with open(pot_path(catalog_copy), "rb") as handle:
        template = read_po(handle)
    catalog = Catalog(locale=PSEUDO)
    catalog.update(template, no_fuzzy_matching=True)
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, (list, tuple)):
            message.string = tuple(_pseudo_translate(form) for form in message.id)
        else:
            message.string = _pseudo_translate(message.id)
    path = catalog_copy / PSEUDO / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    with open(path, "wb") as handle:
        write_po(handle, catalog)
    compile_catalogs(catalog_copy, [PSEUDO])
    return make_app(LANGUAGES=[*DefaultConfig.LANGUAGES, PSEUDO], BABEL_TRANSLATION_DIRECTORIES=str(catalog_copy),
                    SIGN_RATE_LIMIT="3 per minute")


# Text that is data, not interface: names of places (CLDR and the state list), names of
# languages in their own script, what the signer typed, and cells marked translate="no"
# (the dashboard's names of languages, countries, states and districts).
def _strip_data(soup):
    # <time> holds a date formatted from CLDR data (Babel), not catalog text.
    for selector in ("option", "nav.languages a", "script", "style", "[translate=no]", "time"):
        for element in soup.select(selector):
            element.decompose()


def untranslated_text(html):
    soup = BeautifulSoup(html, "html.parser")
    _strip_data(soup)
    leaks = []
    texts = [str(node) for node in soup.find_all(string=True) if node.parent.name not in ("[document]",)]
    for element in soup.find_all(True):
        for attribute in ("aria-label", "title", "alt", "placeholder"):
            if element.get(attribute):
                texts.append(element[attribute])
    for text in texts:
        rest = strip_marked(text)
        # What remains may only be punctuation, digits, symbols and space.
        if re.search(r"[^\W\d_]", rest):
            leaks.append(text.strip())
    return [leak for leak in leaks if leak]


def _pages(app, make_app):
    """Every page a visitor can reach, including errors, as (name, response)."""
    client = app.test_client()
    yield "index", client.get(f"/{PSEUDO}/")
    for slug in ("congress", "xi", "unhcr", "coalition"):
        yield f"{slug} sign", client.get(f"/{PSEUDO}/{slug}/")
        yield f"{slug} form errors", client.post(f"/{PSEUDO}/{slug}/", data={
            "csrf_token": csrf_token(client, f"/{PSEUDO}/{slug}/"), "email": "bad", "zip_code": "1",
            "address_or_district": "CA-99", "first_name": "x" * 300, "city": "a\x00b", "country": "ZZ",
            "email_use": "nope"})
        yield f"{slug} expired form", client.post(f"/{PSEUDO}/{slug}/", data={"csrf_token": "expired.token"})
        yield f"{slug} thanks", client.get(f"/{PSEUDO}/{slug}/thanks")
        yield f"{slug} share", client.get(f"/{PSEUDO}/{slug}/share")
        yield f"{slug} widget", client.get(f"/{PSEUDO}/{slug}/widget")
    yield "congress choose district", _choose_district_page(app, client)
    yield "coalition with donation link", make_app(
        LANGUAGES=app.config["LANGUAGES"], BABEL_TRANSLATION_DIRECTORIES=app.config["BABEL_TRANSLATION_DIRECTORIES"],
        COALITION_DONATION_URL="https://example.org/donate").test_client().get(f"/{PSEUDO}/coalition/thanks")
    yield from _media_pages(app, client)
    yield "404", client.get(f"/{PSEUDO}/no-such-page/")
    yield "405", client.put(f"/{PSEUDO}/xi/")
    yield "413", client.post(f"/{PSEUDO}/xi/", data={"first_name": "x" * 100000})
    for attempt in range(4):
        response = sign(client, "unhcr", PSEUDO, email=f"p{attempt}@example.org")
    yield "429", response
    closed = make_app(LANGUAGES=app.config["LANGUAGES"], XI_DEADLINE="2000-01-01",
                      BABEL_TRANSLATION_DIRECTORIES=app.config["BABEL_TRANSLATION_DIRECTORIES"]).test_client()
    yield "closed page", closed.get(f"/{PSEUDO}/xi/")
    yield "closed refusal", closed.post(f"/{PSEUDO}/xi/", data={
        "csrf_token": csrf_token(closed, f"/{PSEUDO}/unhcr/"), **VALID_SIGNERS["xi"]})
    yield "closed thanks", closed.get(f"/{PSEUDO}/xi/thanks")
    yield "closed widget", closed.get(f"/{PSEUDO}/xi/widget")
    yield from _email_link_pages(app, make_app)
    yield from _organiser_pages(app)


def _organiser_pages(app):
    """Organiser sign-in (and a failed one), the list of campaigns, each dashboard, a refusal."""
    from campaign.accounts import hash_password
    from campaign.extensions import db
    from campaign.models import ROLE_ADMIN, CampaignOrganiser, User

    with app.app_context():
        db.session.add(User(email="pseudo-admin@example.org", name="Ada", role=ROLE_ADMIN,
                            password_hash=hash_password("pseudo admin password")))
        other = User(email="pseudo-org@example.org", name="Bo", password_hash=hash_password("pseudo org password"))
        db.session.add(other)
        db.session.flush()
        db.session.add(CampaignOrganiser(user_id=other.id, campaign="xi"))
        db.session.commit()
    login = f"/{PSEUDO}/organisers/login"
    client = app.test_client()
    yield "organiser login", client.get(login)
    failed = client.post(login, data={"csrf_token": csrf_token(client, login), "email": "pseudo-admin@example.org",
                                      "password": "wrong password"})
    assert failed.status_code == 401
    yield "organiser login failed", failed
    signed_in = client.post(login, data={"csrf_token": csrf_token(client, login),
                                         "email": "pseudo-admin@example.org", "password": "pseudo admin password"})
    assert signed_in.status_code == 303
    yield "organiser campaigns", client.get(f"/{PSEUDO}/organisers/")
    for slug in ("congress", "xi", "unhcr", "coalition"):
        yield f"{slug} dashboard", client.get(f"/{PSEUDO}/organisers/{slug}/")
        yield f"{slug} media", client.get(f"/{PSEUDO}/organisers/{slug}/media/")
        yield f"{slug} packets", client.get(f"/{PSEUDO}/organisers/{slug}/packets/")
    yield from _packet_build_pages(app, client)
    yield "organisations", _organisations_page(app, client)
    yield "media form errors", client.post(f"/{PSEUDO}/organisers/xi/media/", data={
        "csrf_token": csrf_token(client, f"/{PSEUDO}/organisers/"), "kind": "video", "url": "https://example.org"})
    token = csrf_token(client, f"/{PSEUDO}/organisers/")
    yield "close confirmation", client.get(f"/{PSEUDO}/organisers/xi/state")
    client.post(f"/{PSEUDO}/organisers/xi/state", data={"csrf_token": token, "action": "close"})
    yield "closed dashboard", client.get(f"/{PSEUDO}/organisers/xi/")
    yield "open confirmation", client.get(f"/{PSEUDO}/organisers/xi/state")
    yield "dashboard form errors", client.post(f"/{PSEUDO}/organisers/xi/settings",
                                               data={"csrf_token": token, "goal": "0"})
    for slug in ("congress", "xi", "unhcr"):
        yield f"{slug} signatures", client.get(f"/{PSEUDO}/organisers/{slug}/signatures/")
        yield f"{slug} paper", client.get(f"/{PSEUDO}/organisers/{slug}/paper")
    yield "hidden signatures", client.get(f"/{PSEUDO}/organisers/congress/signatures/?show=hidden&q=zz")
    yield "paper form errors", client.post(f"/{PSEUDO}/organisers/congress/paper",
                                           data={"csrf_token": token, "collected_on": "x", "lines": ""})
    yield "paper line errors", client.post(f"/{PSEUDO}/organisers/congress/paper", data={
        "csrf_token": token, "collected_on": "2026-11-20", "place": "Church", "language": "en",
        "lines": "a;b\n;x;Town;Narnia;1\nA;B;Town;CA;92833;NY-1"})
    yield from _paper_batch_and_moderation_pages(app, client, token)
    organiser = app.test_client()
    organiser.post(login, data={"csrf_token": csrf_token(organiser, login), "email": "pseudo-org@example.org",
                                "password": "pseudo org password"})
    yield "403", organiser.get(f"/{PSEUDO}/organisers/congress/")
    with app.app_context():
        db.session.query(CampaignOrganiser).delete()
        db.session.commit()
    yield "organiser without campaigns", organiser.get(f"/{PSEUDO}/organisers/")


def _packet_build_pages(app, client):
    """The packets page with a build waiting, a second build refused, and the build finished."""
    from campaign.delivery import jobs

    url = f"/{PSEUDO}/organisers/unhcr/packets/"
    assert client.post(url, data={"csrf_token": csrf_token(client, url)}).status_code == 303
    yield "packets build waiting", client.get(url)
    yield "packets build refused", client.post(url, data={"csrf_token": csrf_token(client, url)})
    with app.app_context():
        assert jobs.work() == 1
    yield "packets built", client.get(url)


def _media_pages(app, client):
    """A campaign page with a video and a document, and the video's player page."""
    import json

    from campaign.extensions import db
    from campaign.models import CampaignMedia

    with app.app_context():
        video = CampaignMedia(campaign="xi", kind="video", url="https://youtu.be/dQw4w9WgXcQ", subtitles=PSEUDO,
                              titles=json.dumps({"en": "Testimonies"}), position=1)
        document = CampaignMedia(campaign="xi", kind="document", url="https://example.org/the-list.pdf",
                                 titles=json.dumps({"en": "THE LIST"}), position=2)
        db.session.add_all([video, document])
        db.session.commit()
        video_id = video.id
    app.extensions.pop("sign_page_cache", None)
    page = client.get(f"/{PSEUDO}/xi/")
    assert "Testimonies" in page.get_data(as_text=True)
    yield "sign page with media", page
    yield "video player", client.get(f"/{PSEUDO}/xi/media/{video_id}")


def _choose_district_page(app, client):
    """The congress form asking which of its ZIP code's districts the signer lives in (one vacant)."""
    from campaign.extensions import db
    from campaign.models import CongressMember, ZipDistrict

    with app.app_context():
        db.session.add_all([ZipDistrict(zip_code="92833", state="CA", district=number) for number in (38, 45, 46)])
        db.session.add(CongressMember(bioguide_id="S001156", chamber="rep", state="CA", district=38,
                                      full_name="Linda T. Sánchez", first_name="Linda", last_name="Sánchez"))
        db.session.commit()
    response = sign(client, "congress", PSEUDO, zip_code="92833")
    assert 'name="district"' in response.get_data(as_text=True) and "Linda T. Sánchez" in response.get_data(as_text=True)
    return response


def _paper_batch_and_moderation_pages(app, client, token):
    """A paper batch previewed, saved, one of its signatures hidden and counted again, the batch deleted."""
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import PaperBatch, Signature

    batch = {"csrf_token": token, "collected_on": "2026-11-20", "place": "Church", "language": "ko",
             "lines": "Mei;Chen;JP\nMei;Chen;JP"}
    yield "paper preview", client.post(f"/{PSEUDO}/organisers/unhcr/paper", data=batch)
    yield "paper saved", client.get(client.post(f"/{PSEUDO}/organisers/unhcr/paper/save", data=batch)
                                    .headers["Location"])
    with app.app_context():
        batch_id = db.session.execute(select(PaperBatch.id)).scalar_one()
        signature = db.session.execute(select(Signature.id).where(Signature.paper_batch_id == batch_id)).scalar_one()
    signatures = f"/{PSEUDO}/organisers/unhcr/signatures/{signature}"
    hidden = client.post(f"{signatures}/hide", data={"csrf_token": token, "reason": "spam"})
    yield "signature hidden", client.get(hidden.headers["Location"])
    yield "signature counted again", client.get(client.post(f"{signatures}/unhide", data={"csrf_token": token})
                                                .headers["Location"])
    delete = f"/{PSEUDO}/organisers/unhcr/paper/{batch_id}/delete"
    yield "paper batch delete", client.get(delete)
    yield "paper batch deleted", client.get(client.post(delete, data={"csrf_token": token}).headers["Location"])


def _organisations_page(app, client):
    """The organisers' list of organisations, with one waiting, one approved and one declined."""
    from campaign.extensions import db
    from campaign.models import Organisation

    with app.app_context():
        for number, status in enumerate(("pending", "approved", "rejected")):
            db.session.add(Organisation(campaign="coalition", identity_key=f"pseudo-{number}", name=f"Group {number}",
                                        country="KR", contact_name="Kim", contact_email=f"g{number}@example.org",
                                        locale="ko", status=status))
        db.session.commit()
    return client.get(f"/{PSEUDO}/organisers/coalition/organisations/")


def _email_link_pages(app, make_app):
    """The pages that links in emails open: confirm, expired, new link, unsubscribe ..."""
    from sqlalchemy import select

    from campaign.extensions import db
    from campaign.models import OutboxMessage, Signature
    from email_support import expired_token

    settings = dict(LANGUAGES=app.config["LANGUAGES"],
                    BABEL_TRANSLATION_DIRECTORIES=app.config["BABEL_TRANSLATION_DIRECTORIES"])
    mail = make_app(**settings)
    client = mail.test_client()
    sign(client, "xi", PSEUDO, email="pseudo@example.org", email_use="petition_updates")
    sign(client, "xi", PSEUDO, email="late@example.org")

    def link(address, kind, part):
        with mail.app_context():
            body = db.session.execute(select(OutboxMessage.body_text).where(
                OutboxMessage.to_address == address, OutboxMessage.kind == kind)).scalars().first()
        return re.search(r"https?://[^/\s]+(/\S*" + part + r"\S*)", body).group(1)

    confirm = link("pseudo@example.org", "confirm", "/confirm/")
    yield "confirm page", client.get(confirm)
    yield "confirm page, stale form", client.post(confirm, data={"csrf_token": "expired.token"})
    yield "link that does not work", client.get(f"/{PSEUDO}/xi/confirm/not-a-token")
    closed = make_app(XI_DEADLINE="2000-01-01", **settings).test_client()
    yield "confirm page, petition closed", closed.get(link("late@example.org", "confirm", "/confirm/"))
    client = mail.test_client()
    token = csrf_token(client, confirm)  # one per session: it serves every form below
    done = client.post(confirm, data={"csrf_token": token})
    assert done.status_code == 303, done.status_code
    yield "confirmed", client.get(done.headers["Location"])
    with mail.app_context():
        late = db.session.execute(select(Signature.id).where(Signature.email == "late@example.org")).scalar_one()
    expired = f"/{PSEUDO}/xi/confirm/{expired_token(mail, late, days=30)}"
    yield "expired link", client.get(expired)
    yield "new link sent", client.post(f"{expired}/new-link", data={"csrf_token": token})
    unsubscribe = link("pseudo@example.org", "thanks", "/unsubscribe/")
    yield "unsubscribe page", client.get(unsubscribe)
    yield "unsubscribe page, stale form", client.post(unsubscribe, data={"csrf_token": "expired.token"})
    yield "unsubscribed", client.post(unsubscribe, data={"csrf_token": token})
    yield "one-click unsubscribe", client.post(f"{unsubscribe}/one-click", data={"List-Unsubscribe": "One-Click"})


def _error_pages(app):
    """Pages that need a server fault to appear, rendered as the error handlers render them."""
    from campaign.site import render_error

    for status in (400, 500, 503):
        with app.test_request_context(f"/{PSEUDO}/xi/"):
            body, code, _headers = render_error(f"errors/{status}.html", status)
            yield str(status), body
    yield from _emails(app)


def _emails(app):
    """Every kind of email queued in the pseudo-locale by the pages above, plus a news email:
    subject, plain text and HTML. Links are addresses, not words: they are left out."""
    from html import escape

    from sqlalchemy import select

    from campaign.campaigns.xi import definition as xi
    from campaign.extensions import db
    from campaign.mail.messages import queue_already_signed, queue_thanks
    from campaign.mail.updates import queue_news
    from campaign.models import Consent, OutboxMessage, Signature

    with app.app_context():
        # The signer unsubscribed above (which dropped their thank-you email); let them accept
        # news again to render one, and queue the emails no page above queued in this language.
        db.session.query(Consent).filter_by(choice="withdrawn").delete()
        signer = db.session.execute(select(Signature).where(Signature.email == "pseudo@example.org")).scalar_one()
        queue_thanks(signer, xi)
        queue_already_signed(signer, xi, to_address=signer.email, tag=PSEUDO)
        queue_news(xi, "delivered")
        messages = db.session.execute(select(OutboxMessage).where(OutboxMessage.locale == PSEUDO)).scalars().all()
        kinds = {message.kind for message in messages}
        assert kinds == {"confirm", "thanks", "already_signed", "update:delivered"}, kinds
        for message in messages:
            without_links = re.compile(r"https?://[^\s<\"]+")
            yield f"email {message.kind}: subject", f"<p>{escape(message.subject)}</p>"
            yield f"email {message.kind}: text", f"<pre>{escape(without_links.sub('', message.body_text))}</pre>"
            yield f"email {message.kind}: HTML", without_links.sub("", message.body_html)


def test_pseudo_locale_covers_every_page(pseudo_app, make_app):
    seen = {}
    for name, response in _pages(pseudo_app, make_app):
        seen[name] = response.status_code
        html = response.get_data(as_text=True)
        assert f'<html lang="{PSEUDO}">' in html, name
        assert untranslated_text(html) == [], f"{name}: text not from a catalog"
    for name, html in _error_pages(pseudo_app):
        assert untranslated_text(html) == [], f"{name}: text not from a catalog"
    assert seen["429"] == 429 and seen["413"] == 413 and seen["closed refusal"] == 403
    assert seen["xi form errors"] == 400 and seen["405"] == 405 and seen["congress choose district"] == 200  # a question, not an error
    assert (seen["confirm page"], seen["confirm page, stale form"], seen["link that does not work"]) == (200, 400, 404)
    assert (seen["expired link"], seen["new link sent"], seen["unsubscribed"]) == (410, 200, 200)
    assert seen["one-click unsubscribe"] == 200 and seen["unsubscribe page, stale form"] == 400
    assert (seen["organiser login"], seen["organiser login failed"], seen["unhcr dashboard"]) == (200, 401, 200)
    assert (seen["dashboard form errors"], seen["403"], seen["organiser without campaigns"]) == (400, 403, 200)


def test_pseudo_check_catches_a_hard_coded_string(pseudo_app):
    """The detector itself works: an English word outside a catalog is reported."""
    assert untranslated_text("<p>⟦Sign⟧ now</p>") == ["⟦Sign⟧ now"]
    assert untranslated_text("<p>⟦Sign⟧ — 12,345 ·</p>") == []
