"""The signer's experience (issue 19): errors the GOV.UK way, what happens after signing, a resend
that reveals nothing, only the fields that are used with likely countries first, the footer pages,
who started each petition, the editor's note and historical mark, social proof below a threshold,
sharing on a phone, and buttons in emails."""
import re
from datetime import timedelta
from uuid import uuid4

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.models import CampaignSettings, OutboxMessage, Signature, SignatureCounter, utcnow
from conftest import VALID_SIGNERS, confirm_pending, csrf_token, sign
from email_support import SITE_URL
from test_organisers import add_user, audit_actions, log_in

from campaign.models import ROLE_ADMIN


def soup(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def outbox(app):
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return rows


@pytest.fixture
def site(make_app):
    return make_app(SITE_URL=SITE_URL)


# --- 1. errors the GOV.UK way ----------------------------------------------------------------------

@pytest.mark.parametrize("slug", ["congress", "xi", "unhcr", "coalition"])
def test_an_empty_submit_gets_an_error_summary_that_links_to_each_field(client, slug):
    url = f"/ko/{slug}/"
    response = client.post(url, data={"csrf_token": csrf_token(client, url)})
    assert response.status_code == 400
    page = soup(response)
    assert page.title.get_text().startswith("오류: ")
    summary = page.select_one(".error-summary")
    assert summary["tabindex"] == "-1" and summary.has_attr("autofocus")
    assert summary.select_one("h2").get_text() == "입력하신 내용에 문제가 있습니다"
    links = summary.select("a")
    assert links
    for link in links:
        target = page.select_one(link["href"])
        assert target is not None and target.name in ("input", "select", "textarea"), link["href"]
        # The link says what the field's own message says.
        error = page.select_one(f"#{target['id'].removesuffix('-0')}-error")
        assert error.get_text() == link.get_text()
    # Only one element takes focus, and no #fragment in the form's address takes it away.
    assert len(page.select("[autofocus]")) == 1
    assert "#" not in page.select_one("form[method=post]")["action"]


def test_a_page_without_errors_has_no_summary_and_its_own_title(client):
    page = soup(client.get("/en/xi/"))
    assert page.select_one(".error-summary") is None and not page.select("[autofocus]")
    assert not page.title.get_text().startswith("Error")


def test_optional_fields_say_so_and_required_ones_carry_no_mark(client):
    page = soup(client.get("/en/congress/"))
    assert page.select_one("label[for=email]").get_text(" ", strip=True) == "Email address (optional)"
    assert page.select_one("label[for=city]").get_text(strip=True) == "City"
    assert not page.select(".required-mark") and "Fields marked" not in page.get_text()


# --- 4. only the fields that are used, likely countries first ---------------------------------------

def test_xi_asks_for_no_state_or_province_and_stores_none(app, client):
    assert soup(client.get("/en/xi/")).select_one("[name=region]") is None
    assert sign(client, "xi", region="Ontario").status_code == 303
    with app.app_context():
        assert db.session.execute(select(Signature.region).where(Signature.campaign == "xi")).scalar_one() is None


def add_counted(app, slug, country, number):
    with app.app_context():
        for index in range(number):
            db.session.add(Signature(campaign=slug, identity_key=uuid4().hex, first_name="A",
                                     last_name="B", country=country, status="counted", locale="en",
                                     source="web", created_at=utcnow()))
        db.session.commit()


def country_groups(client, url):
    select_ = soup(client.get(url)).select_one("select[name=country]")
    return {group["label"]: [option["value"] for option in group.select("option")]
            for group in select_.select("optgroup")}


def test_the_country_list_starts_with_the_countries_most_signers_come_from(make_app):
    app = make_app(COUNTRY_LIST_MIN_SIGNERS=3, SIGN_PAGE_CACHE_SECONDS=0)
    add_counted(app, "unhcr", "KR", 5)
    add_counted(app, "unhcr", "TW", 4)
    add_counted(app, "unhcr", "JP", 2)  # too few: a small place is never singled out
    client = app.test_client()
    groups = country_groups(client, "/en/unhcr/")
    assert groups["Where most signers live"] == ["KR", "TW"]
    assert "KR" in groups["All countries"] and len(groups["All countries"]) > 200
    # Worked out once per COUNTRY_LIST_CACHE_SECONDS, not on every page view.
    add_counted(app, "unhcr", "JP", 5)
    assert country_groups(client, "/en/unhcr/")["Where most signers live"] == ["KR", "TW"]
    # A country from either group is accepted.
    assert sign(client, "unhcr", country="TW").status_code == 303


def test_a_campaign_without_signers_lists_countries_in_the_languages_order(client):
    select_ = soup(client.get("/zh-Hant/xi/")).select_one("select[name=country]")
    assert not select_.select("optgroup")


# --- 2. after signing ------------------------------------------------------------------------------

def thanks(client, slug, lang="en"):
    return client.get(f"/{lang}/{slug}/thanks")


@pytest.mark.parametrize("slug", ["xi", "unhcr"])
def test_where_a_confirmation_is_needed_the_page_says_check_your_email(client, slug):
    response = thanks(client, slug, "ko")
    page = soup(response)
    assert page.h1.get_text() == "마지막 단계: 이메일을 확인해 주십시오"
    assert page.select_one(".thanks .info") is not None and page.select_one(".thanks .notice") is None
    assert page.select_one(".status") is None  # no "0 people have signed" under it
    assert page.select_one(f"form[action='/ko/{slug}/thanks/resend'] input[name=email]") is not None
    assert page.select_one(f"a[href='/ko/{slug}/#sign']") is not None
    assert "확인을 마치신 후에 집계됩니다" in page.get_text()


@pytest.mark.parametrize("slug, names", [
    # A signer who answered "I'm not sure" has no Representative among the recipients.
    ("congress", ["mid-July", "your Representative and your two Senators", "by hand",
                  "to your two Senators only if you answered “I’m not sure”"]),
    ("xi", ["December 10, 2026", "International Human Rights Day", "embassies and consulates"]),
    ("unhcr", ["UN High Commissioner for Refugees"]),
])
def test_every_thanks_page_names_the_recipients_and_the_follow_up(client, slug, names):
    text = soup(thanks(client, slug)).select_one(".next-steps").get_text(" ", strip=True)
    for words in names:
        assert words in text
    assert "If you" in text  # the follow-up, said for each answer: the page is the same for everyone


@pytest.mark.parametrize("slug", ["congress", "xi", "unhcr"])
def test_the_thanks_page_is_the_same_for_everyone_and_cacheable(site, slug):
    first = site.test_client()
    sign(first, slug, email="first@example.org")
    after_first = thanks(first, slug)
    repeat = site.test_client()
    sign(repeat, slug, email="first@example.org")
    after_repeat = thanks(repeat, slug)
    stranger = thanks(site.test_client(), slug)
    assert after_first.get_data() == after_repeat.get_data() == stranger.get_data()
    assert "public" in after_first.headers["Cache-Control"] and "Set-Cookie" not in after_first.headers


def resend(client, slug, email, lang="en", **headers):
    return client.post(f"/{lang}/{slug}/thanks/resend", data={"email": email}, headers=headers)


def age_last_email(app, minutes=60):
    with app.app_context():
        db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def visible(response):
    headers = sorted((name, value) for name, value in response.headers.items() if name.lower() != "date")
    return response.status_code, headers, response.get_data()


def test_resend_answers_the_same_whether_the_address_signed_confirmed_or_never_came(site):
    client = site.test_client()
    sign(client, "unhcr", email="pending@example.org")
    sign(client, "unhcr", email="counted@example.org")
    with site.app_context():
        counted = db.session.execute(select(Signature.id).where(Signature.email == "counted@example.org")).scalar_one()
    from campaign.campaigns.unhcr import definition
    from campaign.petitions.confirmation import confirm_signature
    with site.app_context():
        confirm_signature(definition, counted)
    age_last_email(site)
    before = len(outbox(site))
    answers = [resend(site.test_client(), "unhcr", address)
               for address in ("pending@example.org", "counted@example.org", "never@example.org")]
    assert answers[0].status_code == 303 and answers[0].headers["Location"].endswith("/en/unhcr/thanks/resent")
    assert visible(answers[0]) == visible(answers[1]) == visible(answers[2])
    sent = outbox(site)[before:]
    # The pending one gets a new link, the counted one "already signed", the stranger's nothing.
    assert [(m.to_address, m.kind) for m in sent] == [("pending@example.org", "confirm"),
                                                       ("counted@example.org", "already_signed")]
    assert "asked for the confirmation email" in sent[1].body_text
    # The page it leads to names no one and may be cached.
    page = site.test_client().get("/en/unhcr/thanks/resent")
    assert page.status_code == 200 and "public" in page.headers["Cache-Control"]


def test_resend_keeps_to_the_per_address_window(site):
    sign(site.test_client(), "xi", email="minji@example.org")
    before = len(outbox(site))
    resend(site.test_client(), "xi", "MinJi+tag@Example.org")  # the signing email opened the window
    assert len(outbox(site)) == before
    age_last_email(site)
    for _ in range(3):
        resend(site.test_client(), "xi", "minji@example.org")
    assert [m.kind for m in outbox(site)[before:]] == ["confirm"]


def test_resend_from_another_site_is_refused(site):
    sign(site.test_client(), "xi", email="minji@example.org")
    age_last_email(site)
    before = len(outbox(site))
    assert resend(site.test_client(), "xi", "minji@example.org", **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert resend(site.test_client(), "xi", "minji@example.org", Origin="https://evil.example").status_code == 403
    assert len(outbox(site)) == before
    assert resend(site.test_client(), "xi", "minji@example.org", **{"Sec-Fetch-Site": "same-origin"}).status_code == 303


def test_a_mistyped_resend_address_comes_back_privately_with_the_error(site):
    response = resend(site.test_client(), "xi", "minji(at)example.org", lang="ko")
    assert response.status_code == 400
    assert "no-store" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    page = soup(response)
    assert page.title.get_text().startswith("오류: ")
    assert page.select_one("#resend .error-summary a")["href"] == "#email"
    assert page.select_one("#email")["value"] == "minji(at)example.org"


def test_resend_is_rate_limited_per_client(make_app):
    app = make_app(CONFIRM_RESEND_RATE_LIMIT="2 per hour")
    client = app.test_client()
    assert [resend(client, "xi", "a@example.org").status_code for _ in range(3)] == [303, 303, 429]


def test_campaigns_without_confirmation_offer_no_resend(client):
    assert soup(thanks(client, "congress")).select_one("form") is None
    assert resend(client, "congress", "a@example.org").status_code == 404


# --- 5. trust: footer pages, who started it, editor's note, historical ----------------------------

@pytest.mark.parametrize("path", ["/ko/", "/ko/xi/", "/ko/xi/thanks", "/ko/about", "/ko/no-such-page"])
def test_every_page_has_the_footer_links(client, path):
    links = [a["href"] for a in soup(client.get(path)).select(".site-footer nav a")]
    assert links == ["/ko/about", "/ko/privacy", "/ko/accessibility"]


@pytest.mark.parametrize("page", ["about", "privacy", "accessibility"])
def test_footer_pages_are_public_and_localized(client, page):
    response = client.get(f"/zh-Hant/{page}")
    assert response.status_code == 200 and "public" in response.headers["Cache-Control"]
    assert '<html lang="zh-Hant">' in response.get_data(as_text=True)


def test_the_privacy_page_states_the_configured_retention(make_app):
    app = make_app(ANONYMISE_AFTER_DAYS=45, OUTBOX_RETENTION_DAYS=12, CONTACT_EMAIL="help@nkfc.example")
    text = soup(app.test_client().get("/en/privacy")).get_text(" ", strip=True)
    assert "Deleted 45 days after the petition closes" in text and "Deleted 12 days after they are sent" in text
    assert "help@nkfc.example" in text
    assert "never your email address, street address, ZIP code" in text


def test_the_contact_address_defaults_to_the_sender_of_our_emails(make_app):
    app = make_app(MAIL_FROM="Coalition <petitions@nkfc.example>")
    assert soup(app.test_client().get("/en/about")).select_one("#contact ~ p a[href^=mailto]")["href"] == \
        "mailto:petitions@nkfc.example"


@pytest.mark.parametrize("slug", ["congress", "xi", "unhcr", "coalition"])
def test_under_each_title_who_started_it_and_a_contact_link(client, slug):
    byline = soup(client.get(f"/en/{slug}/")).select_one("h1 + .byline")
    assert byline.get_text(" ", strip=True).startswith("Started by the North Korea Freedom Coalition")
    assert byline.select_one("a")["href"] == "/en/about#contact"


def test_the_congress_letter_has_an_editors_note_that_puts_it_in_its_time(client):
    note = soup(client.get("/zh-Hant/congress/")).select_one(".letter .editor-note")
    assert "第118屆國會" in note.get_text() and "拜登政府" in note.get_text()
    assert soup(client.get("/en/xi/")).select_one(".editor-note") is None


def save_notes(client, lang="en", **values):
    url = "/en/organisers/congress/"
    data = {"csrf_token": csrf_token(client, url), **values}
    return client.post(f"/{lang}/organisers/congress/notes", data=data)


def test_organisers_write_the_note_per_language_and_mark_a_campaign_historical(app):
    admin = add_user(app, "admin@example.org", ROLE_ADMIN)
    client = app.test_client()
    log_in(client, "admin@example.org")
    response = save_notes(client, note_ko="이 서한은 2023년에 작성되었습니다.\n\n두 번째 문단 <b>", historical="y")
    assert response.status_code == 303
    korean = soup(app.test_client().get("/ko/congress/"))
    assert [p.get_text() for p in korean.select(".editor-note p")] == ["이 서한은 2023년에 작성되었습니다.",
                                                                      "두 번째 문단 <b>"]
    assert korean.select_one(".byline + .info") is not None  # the historical notice
    # Other languages keep the catalog's note.
    assert "118th Congress" in soup(app.test_client().get("/en/congress/")).select_one(".editor-note").get_text()
    assert [(action, user) for action, user, _c, _d in audit_actions(app)
            if action.startswith("campaign_")] == [("campaign_notes", admin), ("campaign_historical", admin)]
    with app.app_context():
        settings = db.session.get(CampaignSettings, "congress")
        assert settings.historical and set(settings.editor_notes) == {"ko"}
    # The dashboard shows what was saved.
    dashboard = soup(client.get("/en/organisers/congress/"))
    assert dashboard.select_one("textarea[name=note_ko]").get_text().strip().startswith("이 서한은")
    assert dashboard.select_one("input[name=historical]").has_attr("checked")


def test_a_note_with_control_characters_is_refused_and_changes_nothing(app):
    add_user(app, "admin@example.org", ROLE_ADMIN)
    client = app.test_client()
    log_in(client, "admin@example.org")
    response = save_notes(client, note_en="Bad\x00note")
    assert response.status_code == 400 and "invisible or control characters" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(CampaignSettings, "congress") is None


def test_strangers_cannot_change_notes(client):
    assert client.post("/en/organisers/congress/notes", data={"note_en": "x"}).status_code in (302, 303, 400)
    assert "x" not in soup(client.get("/en/congress/")).select_one(".editor-note").get_text(strip=True)[-1:]


# --- 6. social proof below a threshold --------------------------------------------------------------

def set_count(app, slug, number):
    with app.app_context():
        db.session.add(SignatureCounter(campaign=slug, shard=0, count=number))
        db.session.commit()


def test_below_the_threshold_lead_with_the_next_milestone_not_the_count(make_app):
    app = make_app(SIGN_PAGE_CACHE_SECONDS=0)
    client = app.test_client()
    page = soup(client.get("/en/xi/"))
    assert page.select_one(".status .count").get_text(strip=True) == "Help us reach 100 signatures."
    assert not re.search(r"(?<![\d,])0 signatures", page.get_text()) and page.select_one(".status progress") is None
    unhcr = soup(client.get("/en/unhcr/")).select_one(".status .count").get_text(" ", strip=True)
    assert unhcr.startswith("Join Fathom Film Group") and unhcr.endswith("help us reach 100 signatures.")
    set_count(app, "xi", 150)
    assert soup(client.get("/en/xi/")).select_one(".status .count").get_text(strip=True) == "150 signatures"


def test_the_threshold_is_configurable(make_app):
    app = make_app(SOCIAL_PROOF_THRESHOLD=0)
    assert soup(app.test_client().get("/en/xi/")).select_one(".status .count").get_text(strip=True) == "0 signatures"


# --- 7. the form where the action is ----------------------------------------------------------------

def test_the_sign_page_has_a_sticky_sign_link_to_the_form(client):
    page = soup(client.get("/ko/xi/"))
    link = page.select_one(".sticky-sign a")
    assert link["href"] == "#sign" and link.get_text() == "청원에 서명하기"
    assert page.select_one("#sign form") is not None


# --- 9. sharing on a phone and in email -------------------------------------------------------------

def test_wechat_sharing_offers_the_link_to_copy_first_and_the_qr_code_for_computers(client):
    section = soup(client.get("/zh-Hans/xi/share")).select_one("#wechat")
    parts = [element for element in section.find_all(["input", "button", "img"])]
    assert [part.name for part in parts] == ["input", "button", "img"]
    assert section.select_one(".wechat-qr img")["loading"] == "lazy"
    assert "复制链接" in section.get_text()


def test_kakaotalk_words_about_the_button_appear_only_with_the_button(client):
    section = soup(client.get("/ko/unhcr/share")).select_one("#kakaotalk")
    assert section.select_one("[data-share-only]").has_attr("hidden")
    assert section.select_one("button[data-share-url]").has_attr("hidden")
    assert not section.select_one("[data-share-fallback]").has_attr("hidden")


def test_the_confirmation_email_has_a_big_button_and_the_plain_text_keeps_the_link(site):
    sign(site.test_client(), "xi", email="minji@example.org")
    message = outbox(site)[-1]
    link = re.search(r"https?://\S+/confirm/\S+", message.body_text).group(0)
    html = BeautifulSoup(message.body_html, "html.parser")
    button = html.select_one("table[role=presentation] a")
    assert button["href"] == link and button.get_text() == "Open the confirmation page"
    assert "padding" in button["style"]
