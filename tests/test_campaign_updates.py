"""News to the right people, in their language (issue 16, items 5 and 7): an organiser writes an
update once per language, previews it in each, sees the readers per language and sends it once,
to the whole campaign or one place; only counted signers with a confirmed address whose newest
consent accepts news get it, at most UPDATES_MAX_PER_WEEK a week. Every figure is checked
against the database."""
import json
import re
from collections import Counter

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from campaign.campaigns import congress, xi
from campaign.congress_data import import_congress_data
from campaign.extensions import db
from campaign.mail.links import read_unsubscribe_token
from campaign.mail.updates import withdraw
from campaign.models import (SIGNATURE_COUNTED, AuditEntry, CampaignUpdate, CampaignUpdateText,
                             OutboxMessage, Signature)
from campaign.petitions.confirmation import confirm_signature
from conftest import csrf_token, sign
from test_organisers import add_user, audit_actions, log_in

LANGUAGES = ("en", "ko", "zh-Hans", "zh-Hant")
CA40_ZIP, TX_ZIP = "92887", "75201"  # Yorba Linda (CA-40) and Dallas (TX-30)
TEXTS = {
    "en": ("The office answered", "Rep. Young Kim's office answered our letter.\n\nThank you for signing."),
    "ko": ("의원실이 답변했습니다", "영 김 의원실이 저희 서한에 답변했습니다.\n\n서명해 주셔서 감사합니다."),
    "zh-Hant": ("議員辦公室已回覆", "金映玉眾議員辦公室已回覆我們的信。\n\n感謝您的連署。"),
}
ONLY_IN_ENGLISH = {"ko": "이 소식은 영어로만 제공됩니다.", "zh-Hans": "此消息仅提供英语版本。",
                   "zh-Hant": "此消息僅提供英文版本。"}


@pytest.fixture
def congress_data(app):
    with app.app_context():
        import_congress_data()


def signature_id(app, email):
    with app.app_context():
        return db.session.execute(select(Signature.id).where(Signature.email == email)).scalar_one()


@pytest.fixture
def signers(app, client, congress_data):
    """Six CA-40 signers (ko, ko, zh-Hant, zh-Hant, en, en) and two in TX-30. Who may get news:
    ca0 (ko), ca1 (ko), ca2 (zh-Hant) and ca4 (en). ca3 did not tick the box (no address kept);
    ca5 ticked it but never confirmed the address; both Texans may get news, but not CA-40's."""
    plan = [("ca0", "ko", True, True), ("ca1", "ko", True, True), ("ca2", "zh-Hant", True, True),
            ("ca3", "zh-Hant", False, False), ("ca4", "en", True, True), ("ca5", "en", True, False)]
    for name, lang, follow_up, _confirmed in plan:
        assert sign(client, "congress", lang, first_name=name, last_name="Kim", city="Yorba Linda", state="CA",
                    zip_code=CA40_ZIP, email=f"{name}@example.org" if follow_up else "",
                    follow_up="y" if follow_up else None).status_code == 303
    for name in ("tx0", "tx1"):
        assert sign(client, "congress", "en", first_name=name, last_name="Lee", city="Dallas", state="TX",
                    zip_code=TX_ZIP, email=f"{name}@example.org", follow_up="y").status_code == 303
    with app.app_context():
        for name, _lang, _follow_up, confirmed in plan:
            if confirmed:
                confirm_signature(congress.definition, signature_id(app, f"{name}@example.org"))
        for name in ("tx0", "tx1"):
            confirm_signature(congress.definition, signature_id(app, f"{name}@example.org"))
        db.session.commit()
        districts = dict(db.session.execute(select(Signature.first_name, Signature.district)).all())
    assert {name: districts[name] for name in ("ca0", "ca3", "ca5", "tx0")} == {
        "ca0": "CA-40", "ca3": "CA-40", "ca5": "CA-40", "tx0": "TX-30"}


def expected_readers(app, slug, **place):
    """{signature id: locale} of the signers who may get news, straight from the rows: counted,
    a confirmed address, the newest consent answer accepting news, in the place."""
    definition = {"congress": congress.definition, "xi": xi.definition}[slug]
    rule = definition.updates_consent
    with app.app_context():
        query = select(Signature).where(Signature.campaign == slug)
        for column, value in place.items():
            query = query.where(getattr(Signature, column) == value)
        readers = {}
        for signature in db.session.execute(query).scalars():
            answers = sorted((c for c in signature.consents if c.purpose == rule.purpose),
                             key=lambda c: (c.given_at, c.id))
            if (signature.status == SIGNATURE_COUNTED and signature.email and signature.confirmed_at
                    and answers and answers[-1].choice in rule.petition):
                readers[signature.id] = signature.locale
        return readers


def news_rows(app, kind_prefix="news:"):
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage).where(OutboxMessage.kind.startswith(kind_prefix))
                                  .order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return rows


def organiser(app, campaigns=("congress",), lang="en", email="organiser@example.org"):
    add_user(app, email, campaigns=list(campaigns), name="Mina Organiser")
    client = app.test_client()
    assert log_in(client, email, lang=lang).status_code == 303
    return client


def form_data(texts, audience="campaign", **place):
    data = {"audience": audience, **place}
    for index, tag in enumerate(LANGUAGES):
        subject, body = texts.get(tag, ("", ""))
        data[f"subject_{index}"], data[f"body_{index}"] = subject, body
    return data


def write_update(client, slug, texts, audience="campaign", lang="en", **place):
    url = f"/{lang}/organisers/{slug}/news/new"
    response = client.post(url, data={**form_data(texts, audience, **place), "csrf_token": csrf_token(client, url)})
    return response


def created_id(response):
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/news/(\d+)/$", response.headers["Location"]).group(1))


def send(client, slug, update_id, lang="en"):
    page = f"/{lang}/organisers/{slug}/news/{update_id}/"
    return client.post(f"/{lang}/organisers/{slug}/news/{update_id}/send",
                       data={"csrf_token": csrf_token(client, page)})


def readers_table(client, slug, update_id, lang="en"):
    soup = BeautifulSoup(client.get(f"/{lang}/organisers/{slug}/news/{update_id}/").get_data(as_text=True),
                         "html.parser")
    table = soup.find("table", class_="news-readers")
    counts = {row["data-language"]: int(row.find("td").get_text(strip=True).replace(",", ""))
              for row in table.find("tbody").find_all("tr")}
    return counts, soup


def test_an_update_to_ca40_reaches_only_its_consenting_confirmed_signers_each_in_their_language(app, signers):
    client = organiser(app)
    update_id = created_id(write_update(client, "congress", TEXTS, "district", district="ca40"))
    with app.app_context():
        news = db.session.get(CampaignUpdate, update_id)
        assert (news.audience, news.audience_value, news.sent_at) == ("district", "CA-40", None)
        assert {text.language for text in news.texts} == {"en", "ko", "zh-Hant"}

    expected = expected_readers(app, "congress", district="CA-40")
    assert sorted(expected.values()) == ["en", "ko", "ko", "zh-Hant"]
    # Before sending: the readers per language on the page are the database's.
    counts, soup = readers_table(client, "congress", update_id)
    assert counts == {tag: Counter(expected.values())[tag] for tag in LANGUAGES}
    assert "Send to 4 people" in soup.get_text()
    assert news_rows(app) == []  # nothing is sent by looking

    assert send(client, "congress", update_id).status_code == 303
    rows = news_rows(app)
    assert {row.signature_id: row.locale for row in rows} == expected
    with app.app_context():
        references = dict(db.session.execute(select(Signature.id, Signature.reference)).all())
        emails = dict(db.session.execute(select(Signature.id, Signature.email)).all())
    for row in rows:
        subject, body = TEXTS[row.locale]
        assert row.kind == f"news:{update_id}" and row.dedupe_key == f"news:{update_id}:{row.signature_id}"
        assert row.subject == subject and row.to_address == emails[row.signature_id]
        assert body.split("\n")[0] in row.body_text and body.split("\n")[0].replace("'", "&#39;") in row.body_html
        headers = json.loads(row.headers)
        assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = re.search(rf"/{row.locale}/congress/unsubscribe/([^/>]+)/one-click>$",
                          headers["List-Unsubscribe"]).group(1)
        with app.app_context():
            assert read_unsubscribe_token(token, "congress") == references[row.signature_id]
        assert f"/unsubscribe/{token}" in row.body_text and f"/unsubscribe/{token}" in row.body_html
        assert "unsubscribe-" not in row.body_text  # no marker left behind
    # The Texans, the unconfirmed, the one who never ticked the box: nothing.
    assert all(row.to_address not in ("tx0@example.org", "tx1@example.org", "ca5@example.org") for row in rows)

    with app.app_context():
        news = db.session.get(CampaignUpdate, update_id)
        assert news.sent_at is not None and (news.queued, news.capped) == (4, 0)
    sent = [details for action, user, campaign, details in audit_actions(app, "news_send")]
    assert sent == [{"update": update_id, "audience": "district", "place": "CA-40", "queued": 4, "capped": 0,
                     "languages": {"en": 1, "ko": 2, "zh-Hant": 1}}]
    assert [details["languages"] for *_rest, details in audit_actions(app, "news_create")] == [["en", "ko", "zh-Hant"]]

    # A second press sends nothing and audits nothing; the page says it was sent; it cannot change.
    assert send(client, "congress", update_id).status_code == 303
    assert len(news_rows(app)) == 4 and len(audit_actions(app, "news_send")) == 1
    page = client.get(f"/en/organisers/congress/news/{update_id}/").get_data(as_text=True)
    assert "Sent on" in page and "to 4 people." in page and "/send" not in page
    edit = f"/en/organisers/congress/news/{update_id}/edit"
    assert client.get(edit).status_code == 303
    client.post(edit, data={**form_data({"en": ("Changed", "Changed")}), "csrf_token": csrf_token(client, "/en/organisers/")})
    with app.app_context():
        assert db.session.execute(select(CampaignUpdateText.subject).where(
            CampaignUpdateText.update_id == update_id, CampaignUpdateText.language == "en")).scalar_one() == TEXTS["en"][0]


def test_a_language_without_a_text_gets_the_english_one_marked_in_its_own_language(app, signers):
    client = organiser(app)
    update_id = created_id(write_update(client, "congress", {"en": TEXTS["en"]}, "state", state="CA"))
    counts, soup = readers_table(client, "congress", update_id)
    expected = expected_readers(app, "congress", region="CA")
    assert counts == {tag: Counter(expected.values())[tag] for tag in LANGUAGES}
    assert send(client, "congress", update_id).status_code == 303
    rows = news_rows(app)
    assert {row.signature_id: row.locale for row in rows} == expected
    for row in rows:
        assert row.subject == TEXTS["en"][0]
        if row.locale == "en":
            assert "only available" not in row.body_text
        else:
            assert ONLY_IN_ENGLISH[row.locale] in row.body_text and ONLY_IN_ENGLISH[row.locale] in row.body_html
            assert '<div lang="en">' in row.body_html and f'<html lang="{row.locale}">' in row.body_html
        assert "Rep. Young Kim&#39;s office answered our letter." in row.body_html


def test_a_signer_who_unsubscribed_gets_nothing_and_counts_match(app, signers):
    with app.app_context():
        ca1 = db.session.get(Signature, signature_id(app, "ca1@example.org"))
        assert withdraw(congress.definition, ca1, "ko")
        db.session.commit()
    client = organiser(app)
    update_id = created_id(write_update(client, "congress", TEXTS, "district", district="CA-40"))
    expected = expected_readers(app, "congress", district="CA-40")
    assert sorted(expected.values()) == ["en", "ko", "zh-Hant"]
    counts, _soup = readers_table(client, "congress", update_id)
    assert counts == {"en": 1, "ko": 1, "zh-Hans": 0, "zh-Hant": 1}
    send(client, "congress", update_id)
    assert {row.signature_id: row.locale for row in news_rows(app)} == expected


def test_the_weekly_limit_holds_and_the_signers_it_leaves_out_are_shown(make_app):
    app = make_app(UPDATES_MAX_PER_WEEK=1)
    client = app.test_client()
    with app.app_context():
        import_congress_data()
    for name, zip_code in (("ca0", CA40_ZIP), ("ca1", CA40_ZIP), ("tx0", TX_ZIP)):
        sign(client, "congress", "en", first_name=name, city="X", state="CA" if zip_code == CA40_ZIP else "TX",
             zip_code=zip_code, email=f"{name}@example.org", follow_up="y")
    with app.app_context():
        for name in ("ca0", "ca1", "tx0"):
            confirm_signature(congress.definition, signature_id(app, f"{name}@example.org"))
    # A written update to CA-40 (ca0, ca1), then one to everyone: only tx0 is under the limit.
    organiser_client = organiser(app)
    first = created_id(write_update(organiser_client, "congress", {"en": ("First", "First news.")}, "district",
                                    district="CA-40"))
    send(organiser_client, "congress", first)
    assert len(news_rows(app)) == 2
    second = created_id(write_update(organiser_client, "congress", {"en": ("Second", "Second news.")}))
    counts, soup = readers_table(organiser_client, "congress", second)
    assert counts == {"en": 1, "ko": 0, "zh-Hans": 0, "zh-Hant": 0}  # tx0 only
    assert "2 more signers have reached the limit on news emails (at most 1 in any 7 days)" in soup.get_text(" ")
    send(organiser_client, "congress", second)
    with app.app_context():
        news = db.session.get(CampaignUpdate, second)
        assert (news.queued, news.capped) == (1, 2)
    assert [row.to_address for row in news_rows(app) if row.kind == f"news:{second}"] == ["tx0@example.org"]
    page = organiser_client.get(f"/en/organisers/congress/news/{second}/").get_data(as_text=True)
    assert "2 signers were left out by the limit on news emails" in page and "will not get this update" in page
    # The template command counts the same limit, and says so.
    result = app.test_cli_runner().invoke(args=["mail", "update", "congress", "delivered"])
    assert result.exit_code == 0, result.output
    assert "queued 0 email(s)" in result.output and "3 left out by the weekly limit" in result.output
    assert "a run after their 7 days queues it to them" in result.output  # a template can be run again
    # With a limit of 2 a week, each of the three (one news email so far) gets it.
    wider = make_app(UPDATES_MAX_PER_WEEK=2)
    result = wider.test_cli_runner().invoke(args=["mail", "update", "congress", "delivered"])
    assert result.output == "queued 3 email(s)\n", result.output
    assert len(news_rows(app, "update:delivered")) == 3


def xi_signers(app, client):
    """Xi: three in Germany who accept news (en, ko, zh-Hans), one in Germany who only wants to be
    counted, one in Iceland who accepts news; all confirmed, so counted."""
    people = [("de0", "DE", "en", "petition_updates"), ("de1", "DE", "ko", "coalition_news"),
              ("de2", "DE", "zh-Hans", "petition_updates"), ("de3", "DE", "zh-Hant", "count_only"),
              ("is0", "IS", "en", "petition_updates")]
    for name, country, lang, use in people:
        assert sign(client, "xi", lang, first_name=name, city="Berlin", country=country, email=f"{name}@example.org",
                    email_use=use).status_code == 303
    with app.app_context():
        for name, *_rest in people:
            confirm_signature(xi.definition, signature_id(app, f"{name}@example.org"))


def test_a_country_audience_for_xi_from_the_command_line(app, client, tmp_path):
    xi_signers(app, client)
    english, korean = tmp_path / "en.txt", tmp_path / "ko.txt"
    english.write_text("Delivered in Berlin\nThe letter was delivered to the embassy in Berlin.\n", encoding="utf-8")
    korean.write_text("베를린에서 전달했습니다\n베를린 대사관에 서한을 전달했습니다.\n", encoding="utf-8")
    runner = app.test_cli_runner()
    args = ["mail", "update", "xi", "--text", f"en={english}", "--text", f"ko={korean}", "--to", "country:de"]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "readers by language: en: 1, ko: 1, zh-Hans: 1" in dry.output and "nothing queued" in dry.output
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CampaignUpdate)).scalar_one() == 0
    assert news_rows(app) == []

    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    rows = news_rows(app)
    assert {row.signature_id: row.locale for row in rows} == expected_readers(app, "xi", country="DE")
    assert {row.locale: row.subject for row in rows} == {"en": "Delivered in Berlin", "ko": "베를린에서 전달했습니다",
                                                       "zh-Hans": "Delivered in Berlin"}
    update_id = int(re.search(r"saved update (\d+)", result.output).group(1))
    again = runner.invoke(args=["mail", "update", "xi", "--update", str(update_id)])
    assert again.exit_code == 0 and "nothing queued" in again.output
    assert len(news_rows(app)) == 3
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.details).where(
            AuditEntry.action.in_(("news_create", "news_send"))).order_by(AuditEntry.id)).all()
    assert [action for action, _details in entries] == ["news_create", "news_send"]
    assert json.loads(entries[1][1])["queued"] == 3 and json.loads(entries[1][1])["via"] == "command line"


def test_the_command_line_sends_an_update_written_on_the_dashboard(app, client):
    xi_signers(app, client)
    web = organiser(app, campaigns=("xi",))
    update_id = created_id(write_update(web, "xi", {"en": ("Iceland", "News for Iceland.")}, "country", country="IS"))
    result = app.test_cli_runner().invoke(args=["mail", "update", "xi", "--update", str(update_id)])
    assert result.exit_code == 0, result.output
    assert [row.to_address for row in news_rows(app)] == ["is0@example.org"]
    # Bad input on the command line changes nothing either.
    runner = app.test_cli_runner()
    assert runner.invoke(args=["mail", "update", "xi", "--update", "999"]).exit_code != 0
    assert runner.invoke(args=["mail", "update", "xi", "--text", "fr=/dev/null"]).exit_code != 0
    assert runner.invoke(args=["mail", "update", "congress", "--text", "en=/dev/null"]).exit_code != 0  # no English
    assert runner.invoke(args=["mail", "update", "coalition", "--update", "1"]).exit_code != 0
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CampaignUpdate)).scalar_one() == 1


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_preview_shows_every_language_exactly_as_sent(app, signers, lang):
    client = organiser(app, lang=lang)
    texts = {**TEXTS, "en": ("The office answered", "<b>Bold?</b> & <script>alert(1)</script>\nSecond line")}
    update_id = created_id(write_update(client, "congress", texts, "district", district="CA-40", lang=lang))
    response = client.get(f"/{lang}/organisers/congress/news/{update_id}/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for tag in LANGUAGES:
        section = soup.find("section", id=f"preview-{tag}")
        assert section.find(class_="news-subject").get_text() == TEXTS.get(tag, TEXTS["en"])[0]
        text = section.find("pre", class_="news-text").get_text()
        if tag in ("en", "zh-Hans"):
            assert "<b>Bold?</b> & <script>alert(1)</script>" in text
        else:
            assert TEXTS[tag][1].split("\n")[0] in text
        if tag == "zh-Hans":
            assert ONLY_IN_ENGLISH["zh-Hans"] in text
        frame = section.find("iframe")
        assert frame.has_attr("sandbox") and not frame["sandbox"]  # sandboxed, nothing allowed
        html = client.get(frame["src"])
        assert html.status_code == 200 and "sandbox" in html.headers["Content-Security-Policy"]
        assert "frame-ancestors 'self'" in html.headers["Content-Security-Policy"]
        assert html.headers["X-Frame-Options"] == "SAMEORIGIN"
        body = html.get_data(as_text=True)
        assert "<script>" not in body and "<b>" not in body
        if tag in ("en", "zh-Hans"):
            assert "&lt;b&gt;Bold?&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;<br>Second line" in body
    # The page's own language labels the previews; the readers are the database's.
    counts, _soup = readers_table(client, "congress", update_id, lang)
    expected = expected_readers(app, "congress", district="CA-40")
    assert counts == {tag: Counter(expected.values())[tag] for tag in LANGUAGES}
    assert news_rows(app) == []


# The errors' English texts; each page must show the catalog's translation (every literal part of
# it, around its placeholders), so that a translator's better wording does not break this test.
ERRORS = {
    "no_english": "Please write the subject and the text in %(language)s: readers whose language has no text of "
                  "its own get this one.",
    "district": "There is no congressional district “%(district)s”. Please enter one such as CA-40.",
    "audience": "Please choose who gets this update: this campaign’s news can go to everyone who signed it, or to "
                "the signers of one of the places it counts.",
    "country": "Please choose a country from the list.",
}


def shown_in(text, message, lang):
    """Whether every literal part of `message`'s translation into `lang` is in `text`."""
    from babel.support import Translations

    from campaign.i18n import babel_name
    from campaign.translate import translations_dir

    translated = Translations.load(str(translations_dir()), [babel_name(lang)]).gettext(message)
    parts = [part.strip() for part in re.split(r"%\(\w+\)s", translated) if len(part.strip()) > 2]
    return bool(parts) and all(part in text for part in parts)


@pytest.mark.parametrize("lang", ["en", "ko", "zh-Hant"])
def test_bad_input_gives_a_localized_error_and_changes_nothing(app, lang):
    client = organiser(app, campaigns=("congress", "xi"), lang=lang)
    cases = [
        ("congress", "no_english", {"ko": TEXTS["ko"]}, "campaign", {}),
        ("congress", "no_english", {"en": ("Subject only", "")}, "campaign", {}),
        ("congress", "district", TEXTS, "district", {"district": "CA-99"}),
        ("congress", "audience", TEXTS, "country", {"country": "DE"}),  # a country is not of congress
        ("xi", "audience", TEXTS, "district", {"district": "CA-40"}),  # nor a district of xi
        ("xi", "country", TEXTS, "country", {"country": "XX"}),
        ("xi", "country", TEXTS, "country", {"country": ""}),
    ]
    before = audit_actions(app)
    for slug, error, texts, audience, place in cases:
        response = write_update(client, slug, texts, audience, lang=lang, **place)
        assert response.status_code == 400, (slug, error)
        page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert shown_in(page.find(class_="error-summary").get_text(), ERRORS[error], lang), (slug, error, lang)
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(CampaignUpdate)).scalar_one() == 0
        assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 0
    assert audit_actions(app) == before


def test_an_organiser_of_another_campaign_gets_403(app, signers):
    owner = organiser(app)
    update_id = created_id(write_update(owner, "congress", TEXTS, "district", district="CA-40"))
    stranger = organiser(app, campaigns=("xi",), email="xi@example.org")
    token = csrf_token(stranger, "/en/organisers/")
    for url in ("/en/organisers/congress/news/", "/en/organisers/congress/news/new",
                f"/en/organisers/congress/news/{update_id}/", f"/en/organisers/congress/news/{update_id}/edit",
                f"/en/organisers/congress/news/{update_id}/email.html?language=ko"):
        assert stranger.get(url).status_code == 403, url
    for url in (f"/en/organisers/congress/news/{update_id}/send", f"/en/organisers/congress/news/{update_id}/edit",
                "/en/organisers/congress/news/new"):
        assert stranger.post(url, data={**form_data(TEXTS), "csrf_token": token}).status_code == 403, url
    # Their own campaign's update pages do not open another campaign's update either.
    assert stranger.get(f"/en/organisers/xi/news/{update_id}/").status_code == 404
    assert stranger.post(f"/en/organisers/xi/news/{update_id}/send", data={"csrf_token": token}).status_code == 404
    assert news_rows(app) == []
    with app.app_context():
        assert db.session.get(CampaignUpdate, update_id).sent_at is None


def test_the_coalition_letter_has_no_news_and_the_navigation_links_news(app):
    client = organiser(app, campaigns=("congress", "coalition"))
    assert client.get("/en/organisers/coalition/news/").status_code == 404
    soup = BeautifulSoup(client.get("/en/organisers/congress/news/").get_data(as_text=True), "html.parser")
    current = soup.find("nav", class_="organiser-nav").find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True) == "News"
    coalition = client.get("/en/organisers/coalition/").get_data(as_text=True)
    assert "/news/" not in coalition


def test_readers_come_from_one_query_per_batch_not_one_per_signer(app, signers):
    """The consent and the weekly count are subqueries, and the outbox rows go in with one
    executemany a batch: sending to CA-40's 4 readers runs as many statements as to TX-30's 2."""
    from sqlalchemy import event

    from campaign.mail.news import send_news

    def statements_to_send(place):
        statements = []

        def count(*_args):
            statements.append(1)

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)
            try:
                news = CampaignUpdate(campaign="congress", audience="district", audience_value=place,
                                      texts=[CampaignUpdateText(language="en", subject="S", body="B")])
                db.session.add(news)
                db.session.flush()
                statements.clear()
                report = send_news(congress.definition, news)
            finally:
                event.remove(db.engine, "before_cursor_execute", count)
            db.session.rollback()
        return report.queued, len(statements)

    (four, for_four), (two, for_two) = statements_to_send("CA-40"), statements_to_send("TX-30")
    assert (four, two) == (4, 2)
    assert for_four == for_two <= 10, (for_four, for_two)


def test_an_update_changes_until_it_is_sent_and_a_draft_from_files_waits(app, signers, tmp_path):
    client = organiser(app)
    update_id = created_id(write_update(client, "congress", {"en": TEXTS["en"]}))
    edit = f"/en/organisers/congress/news/{update_id}/edit"
    assert TEXTS["en"][0] in client.get(edit).get_data(as_text=True)
    bad = client.post(edit, data={**form_data(TEXTS, "district", district="XX-99"), "csrf_token": csrf_token(client, edit)})
    assert bad.status_code == 400
    with app.app_context():
        news = db.session.get(CampaignUpdate, update_id)
        assert (news.audience, [text.language for text in news.texts]) == ("campaign", ["en"])
    response = client.post(edit, data={**form_data(TEXTS, "district", district="CA-40"),
                                       "csrf_token": csrf_token(client, edit)})
    assert response.status_code == 303
    with app.app_context():
        news = db.session.get(CampaignUpdate, update_id)
        assert (news.audience, news.audience_value) == ("district", "CA-40")
        assert {text.language: (text.subject, text.body) for text in news.texts} == TEXTS
    assert [details["languages"] for *_rest, details in audit_actions(app, "news_edit")] == [["ko", "zh-Hant"]]

    source = tmp_path / "en.txt"
    source.write_text("From a file\nWritten in a file.\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["mail", "update", "congress", "--text", f"en={source}",
                                                "--to", "state:TX", "--draft"])
    assert result.exit_code == 0 and "saved update" in result.output and "queued" not in result.output
    listing = client.get("/en/organisers/congress/news/").get_data(as_text=True)
    assert listing.count("Draft, not sent") == 2 and "From a file" in listing and "Signers in Texas" in listing
    assert news_rows(app) == []


def test_two_updates_sent_at_the_same_moment_still_keep_the_weekly_limit(app, signers, monkeypatch):
    """PostgreSQL, where two web workers really send at once: the second send waits for the
    first's commit and then counts its emails (SQLite has one writer, so nothing overlaps)."""
    import threading
    import time

    import campaign.mail.updates as updates
    from campaign.mail.news import send_news

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("sends overlap only on PostgreSQL")
        ids = []
        for subject in ("First", "Second"):
            news = CampaignUpdate(campaign="congress", texts=[CampaignUpdateText(language="en", subject=subject,
                                                                                  body="Body")])
            db.session.add(news)
            db.session.flush()
            ids.append(news.id)
        db.session.commit()
    slow_insert = updates.enqueue_many

    def enqueue_slowly(messages):  # hold the transaction open after counting, before commit
        added = slow_insert(messages)
        time.sleep(0.5)
        return added

    monkeypatch.setattr(updates, "enqueue_many", enqueue_slowly)
    reports = {}

    def send(update_id):
        with app.app_context():
            reports[update_id] = send_news(congress.definition, db.session.get(CampaignUpdate, update_id))
            db.session.commit()

    threads = [threading.Thread(target=send, args=(update_id,)) for update_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    readers = expected_readers(app, "congress")
    per_signer = Counter(row.signature_id for row in news_rows(app))
    assert set(per_signer) == set(readers) and set(per_signer.values()) == {1}
    assert sorted((report.queued, report.capped) for report in reports.values()) == [(0, len(readers)),
                                                                                     (len(readers), 0)]
