"""Confirmation end to end, with a real SMTP server: a signature of a campaign that requires it
counts only once its signer presses the button on the page their email links to, in their
language; a link scanner's GET confirms nothing; links expire and can be renewed."""
import threading
from datetime import timedelta

import pytest
from babel.support import Translations
from sqlalchemy import func, select, update

from campaign.extensions import db
from campaign.models import OutboxMessage, Signature, utcnow
from campaign.translate import translations_dir
from conftest import VALID_SIGNERS, sign
from email_support import (CSRF_FIELD, SITE_URL, bodies, expired_token, link_path, mail_app, mailbox,  # noqa: F401
                           press_button, send_outbox)

LANGS = ["en", "ko", "zh-Hans", "zh-Hant"]
XI_TITLE = "Petition to Xi Jinping to Stop Repatriating North Korean Refugees!"
EMAIL = VALID_SIGNERS["xi"]["email"]


def catalog(lang):
    return Translations.load(str(translations_dir()), [lang.replace("-", "_")])


def outbox_rows(app, kind=None):
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        rows = db.session.execute(query).scalars().all()
        db.session.expunge_all()
        return rows


def signature_status(app):
    with app.app_context():
        return db.session.execute(select(Signature.status)).scalar_one()


@pytest.mark.parametrize("lang", LANGS)
def test_signer_gets_email_in_their_language_confirms_with_the_button_and_is_counted(
        mail_app, mailbox, count, lang):
    app = mail_app()
    client = app.test_client()
    translations = catalog(lang)
    title = translations.pgettext("campaign title", XI_TITLE)

    response = sign(client, "xi", lang, email_use="count_only")
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{lang}/xi/thanks")
    assert count("xi") == 0  # pending until confirmed
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert translations.pgettext("confirmation", "We have sent you an email. To have your signature counted, please "
                                 "open the link in it and press the button on the page that opens.") in thanks

    assert send_outbox(app).sent == 1
    [message] = mailbox.to(EMAIL)
    assert message["Subject"] == translations.pgettext("email subject", "Please confirm your signature: %(title)s") \
        % {"title": title}
    assert message["Content-Language"] == lang
    assert message["Auto-Submitted"] == "auto-generated"
    assert "List-Unsubscribe" not in message  # a confirmation is not news
    text, html = bodies(message)
    # The greeting names no one: a typed name never speaks in our emails (test_signer_safety.py).
    greeting = translations.pgettext("email", "Hello,")
    assert text.startswith(greeting) and greeting in html and "Mei" not in text
    assert f'<html lang="{lang}">' in html
    button = translations.pgettext("button", "Confirm my signature")
    assert button in text and button in html

    path = link_path(text, "/confirm/")
    assert path.startswith(f"/{lang}/xi/confirm/") and path in html
    page = client.get(path)
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.cache_control.no_store
    assert count("xi") == 0

    done = press_button(client, path)
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/{lang}/xi/confirmed")
    assert count("xi") == 1 and signature_status(app) == "counted"
    confirmed = client.get(done.headers["Location"]).get_data(as_text=True)
    assert translations.pgettext("confirmation", "Thank you. Your signature on “%(title)s” is confirmed and "
                                 "counted.") % {"title": title} in confirmed
    # "Only to count me once": the confirmation was the only email.
    assert send_outbox(app).claimed == 0
    assert len(mailbox.to(EMAIL)) == 1


def test_traditional_chinese_signer_who_wants_news_gets_thanks_in_traditional_chinese(mail_app, mailbox, count):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi", "zh-Hant", email_use="petition_updates")
    send_outbox(app)
    [confirmation] = mailbox.to(EMAIL)
    title = catalog("zh-Hant").pgettext("campaign title", XI_TITLE)
    assert confirmation["Subject"] == f"請確認您的連署：{title}"
    assert "「確認我的連署」" in bodies(confirmation)[0]
    press_button(client, link_path(bodies(confirmation)[0], "/confirm/"))
    assert count("xi") == 1
    assert send_outbox(app).sent == 1
    thanks = mailbox.to(EMAIL)[1]
    assert thanks["Subject"].startswith("感謝您的連署：")
    assert thanks["List-Unsubscribe"].startswith(f"<{SITE_URL}/zh-Hant/xi/unsubscribe/")
    assert thanks["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert thanks["From"].addresses[0].display_name == catalog("zh-Hant").pgettext(
        "organisation", "North Korea Freedom Coalition")


def test_scanner_style_requests_confirm_nothing(mail_app, mailbox, count):
    app = mail_app()
    sign(app.test_client(), "xi")
    send_outbox(app)
    path = link_path(bodies(mailbox.to(EMAIL)[0])[0], "/confirm/")
    scanner = app.test_client()  # no cookies, follows every link, several times
    for _ in range(3):
        assert scanner.get(path).status_code == 200
        assert scanner.head(path).status_code == 200
    # A POST without the page's CSRF token (a scanner "submitting" blindly) is refused too.
    refused = scanner.post(path, data={})
    assert refused.status_code == 400
    assert 'name="csrf_token"' in refused.get_data(as_text=True)  # the button, offered again
    assert count("xi") == 0 and signature_status(app) == "pending"


def test_a_second_confirmation_changes_nothing(mail_app, mailbox, count):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi", email_use="petition_updates")
    send_outbox(app)
    path = link_path(bodies(mailbox.to(EMAIL)[0])[0], "/confirm/")
    page = client.get(path).get_data(as_text=True)
    token = CSRF_FIELD.search(page).group(1)
    first = client.post(path, data={"csrf_token": token})
    second = client.post(path, data={"csrf_token": token})  # a double click
    assert first.status_code == second.status_code == 303
    assert client.get(path).headers["Location"].endswith("/en/xi/confirmed")
    assert count("xi") == 1
    assert len(outbox_rows(app, "thanks")) == 1  # one thank-you, not two


def test_concurrent_confirmations_count_once(mail_app, mailbox, count):
    app = mail_app()
    sign(app.test_client(), "xi")
    send_outbox(app)
    path = link_path(bodies(mailbox.to(EMAIL)[0])[0], "/confirm/")
    barrier = threading.Barrier(5)
    statuses = []

    def press():
        client = app.test_client()
        token = CSRF_FIELD.search(client.get(path).get_data(as_text=True)).group(1)
        barrier.wait()
        statuses.append(client.post(path, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=press) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 5
    assert count("xi") == 1


def test_expired_link_offers_a_new_one_which_works(mail_app, mailbox, count):
    app = mail_app(CONFIRM_RESEND_RATE_LIMIT="2 per hour")
    client = app.test_client()
    sign(client, "xi", "ko")
    with app.app_context():
        signature_id = db.session.execute(select(Signature.id)).scalar_one()
        # Eight days later: the first email's link has expired.
        db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(days=8)))
        db.session.commit()
    old = f"/ko/xi/confirm/{expired_token(app, signature_id, days=8)}"
    page = client.get(old)
    assert page.status_code == 410
    html = page.get_data(as_text=True)
    assert catalog("ko").pgettext("heading", "This link has expired") in html
    assert catalog("ko").pgettext("button", "Send me a new link") in html
    # An expired link cannot confirm, even with a valid CSRF token.
    token = CSRF_FIELD.search(html).group(1)
    assert client.post(old, data={"csrf_token": token}).status_code == 303
    assert count("xi") == 0

    resent = press_button(client, old, status=410)
    assert resent.status_code == 200
    assert catalog("ko").pgettext("heading", "Check your email") in resent.get_data(as_text=True)
    assert len(outbox_rows(app, "confirm")) == 2
    # Asking again at once queues nothing more (one new link per signature now and then) ...
    assert press_button(client, old, status=410).status_code == 200
    assert len(outbox_rows(app, "confirm")) == 2
    # ... and the address is rate-limited like the sign form.
    assert press_button(client, old, status=410).status_code == 429

    send_outbox(app)
    newest = mailbox.to(EMAIL)[-1]
    assert press_button(client, link_path(bodies(newest)[0], "/confirm/")).status_code == 303
    assert count("xi") == 1


@pytest.mark.parametrize("make_path", [
    lambda token: "/en/xi/confirm/" + token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # tampered
    lambda token: "/en/xi/confirm/not-a-token",
    lambda token: "/en/unhcr/confirm/" + token,  # another campaign's link
    lambda token: "/en/xi/unsubscribe/" + token,  # another purpose's token
])
def test_damaged_or_foreign_links_are_refused(mail_app, mailbox, count, make_path):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi")
    send_outbox(app)
    token = link_path(bodies(mailbox.to(EMAIL)[0])[0], "/confirm/").rsplit("/", 1)[1]
    response = client.get(make_path(token))
    assert response.status_code == 404
    assert "This link does not work" in response.get_data(as_text=True)
    assert count("xi") == 0


def test_repeat_of_a_pending_signer_resends_through_the_outbox_now_and_then(mail_app, mailbox, rows):
    app = mail_app()
    client = app.test_client()
    first = sign(client, "xi")
    repeat = sign(client, "xi", email=EMAIL.upper(), first_name="Someone")
    assert (repeat.status_code, repeat.headers["Location"]) == (first.status_code, first.headers["Location"])
    assert len(outbox_rows(app, "confirm")) == 1  # too soon for another
    with app.app_context():
        db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(minutes=11)))
        db.session.commit()
    sign(client, "xi", email=f" {EMAIL.upper()} ")
    confirmations = outbox_rows(app, "confirm")
    assert len(confirmations) == 2 and rows("xi") == 1
    # To the address typed last: the newest submission replaces a pending signature's details,
    # and every form of the address reaches the same mailbox (its identity key is canonical).
    typed = EMAIL.upper().replace("EXAMPLE.ORG", "example.org")  # the validator lower-cases the domain
    assert [row.to_address for row in confirmations] == [EMAIL, typed]
    send_outbox(app)
    assert len(mailbox.to(EMAIL)) == 1 and len(mailbox.to(typed)) == 1


def test_which_campaigns_require_confirmation_is_configurable(mail_app, mailbox, count):
    app = mail_app(CONFIRMATION_REQUIRED="unhcr")
    client = app.test_client()
    sign(client, "xi")
    sign(client, "unhcr", updates=None)
    sign(client, "congress")
    assert (count("xi"), count("unhcr"), count("congress")) == (1, 0, 1)
    assert "open the link in it" in client.get("/en/unhcr/thanks").get_data(as_text=True)
    assert "open the link in it" not in client.get("/en/xi/thanks").get_data(as_text=True)
    assert [row.campaign for row in outbox_rows(app, "confirm")] == ["unhcr"]
    send_outbox(app)
    [message] = mailbox.to(VALID_SIGNERS["unhcr"]["email"])
    press_button(client, link_path(bodies(message)[0], "/unhcr/confirm/"))
    assert count("unhcr") == 1


def test_no_campaign_requires_confirmation_when_configured_so(mail_app, count):
    app = mail_app(CONFIRMATION_REQUIRED="")
    sign(app.test_client(), "xi")
    assert count("xi") == 1
    assert outbox_rows(app) == []  # count_only: not even a thank-you


def test_a_petition_closed_before_confirmation_does_not_count_it(make_app, mail_app, mailbox, count):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi")
    send_outbox(app)
    path = link_path(bodies(mailbox.to(EMAIL)[0])[0], "/confirm/")
    closed = mail_app(XI_DEADLINE="2000-01-01").test_client()
    page = closed.get(path)
    assert page.status_code == 200 and 'name="csrf_token"' not in page.get_data(as_text=True)
    # A session's CSRF token from another form (sign forms have their own: visitor_csrf.py).
    token = CSRF_FIELD.search(closed.get("/en/organisers/login").get_data(as_text=True)).group(1)
    refused = closed.post(path, data={"csrf_token": token})
    assert refused.status_code == 403
    assert "closed before your signature was confirmed" in refused.get_data(as_text=True)
    assert count("xi") == 0


def test_signing_never_waits_on_smtp(make_app, count):
    from email_support import free_port

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens there
    response = sign(app.test_client(), "xi")
    assert response.status_code == 303
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one() == 1
