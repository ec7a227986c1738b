"""Consent honoured: only signers whose answer accepts news get it, in their language, with an
unsubscribe link that works in one click (RFC 8058) and is recorded."""
from babel.support import Translations
from sqlalchemy import delete, select

from campaign.extensions import db
from campaign.models import Consent, OutboxMessage, Signature
from campaign.translate import translations_dir
from conftest import VALID_SIGNERS, sign
from email_support import SITE_URL, bodies, link_path, mail_app, mailbox, press_button, send_outbox  # noqa: F401

COUNT_ONLY = "count.only@example.org"
PETITION_NEWS = "petition.news@example.org"
COALITION_NEWS = "coalition.news@example.org"
PENDING = "never.confirmed@example.org"


def confirm_by_email(client, mailbox, address):
    confirmation = [m for m in mailbox.to(address) if "/confirm/" in bodies(m)[0]][-1]
    assert press_button(client, link_path(bodies(confirmation)[0], "/confirm/")).status_code == 303


def xi_signers(app, mailbox):
    client = app.test_client()
    sign(client, "xi", "en", email=COUNT_ONLY, email_use="count_only")
    sign(client, "xi", "ko", email=PETITION_NEWS, email_use="petition_updates")
    sign(client, "xi", "zh-Hans", email=COALITION_NEWS, email_use="coalition_news")
    sign(client, "xi", "en", email=PENDING, email_use="coalition_news")
    send_outbox(app)
    for address in (COUNT_ONLY, PETITION_NEWS, COALITION_NEWS):
        confirm_by_email(client, mailbox, address)
    send_outbox(app)
    return client


def update(app, *args):
    result = app.test_cli_runner().invoke(args=["mail", "update", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_only_to_count_me_once_never_gets_an_update(mail_app, mailbox, count):
    app = mail_app()
    xi_signers(app, mailbox)
    assert count("xi") == 3
    assert "queued 2 email(s)" in update(app, "xi", "delivered")
    send_outbox(app)
    # count_only: the confirmation email and nothing else, ever.
    assert len(mailbox.to(COUNT_ONLY)) == 1
    # Never confirmed: not counted, so no news either.
    assert len(mailbox.to(PENDING)) == 1
    # The others: confirmation, thank-you, the news.
    assert len(mailbox.to(PETITION_NEWS)) == len(mailbox.to(COALITION_NEWS)) == 3
    # Running the same update again queues nothing twice.
    assert "queued 0 email(s); 2 already queued before" in update(app, "xi", "delivered")


def test_coalition_news_only_to_those_who_accepted_it(mail_app, mailbox):
    app = mail_app()
    xi_signers(app, mailbox)
    assert "queued 1 email(s)" in update(app, "xi", "delivered", "--audience", "coalition")
    with app.app_context():
        assert db.session.execute(select(OutboxMessage.to_address).where(
            OutboxMessage.kind == "update:delivered")).scalars().all() == [COALITION_NEWS]


def test_update_is_in_the_signers_language_with_one_click_unsubscribe(mail_app, mailbox, count):
    app = mail_app()
    xi_signers(app, mailbox)
    update(app, "xi", "delivered")
    send_outbox(app)
    news = mailbox.to(PETITION_NEWS)[-1]
    korean = Translations.load(str(translations_dir()), ["ko"])
    title = korean.pgettext("campaign title", "Petition to Xi Jinping to Stop Repatriating North Korean Refugees!")
    assert news["Subject"] == korean.pgettext("email subject", "The petition has been delivered: %(title)s") % {
        "title": title}
    text, html = bodies(news)
    assert korean.npgettext("email", "%(num)s person signed it. Thank you for adding your voice.",
                            "%(num)s people signed it. Thank you for adding your voice.", 3) % {"num": "3"} in text
    assert link_path(text, "/unsubscribe/") in html
    one_click = news["List-Unsubscribe"].strip("<>")
    assert one_click.startswith(f"{SITE_URL}/ko/xi/unsubscribe/") and one_click.endswith("/one-click")
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # What a mail program does (RFC 8058): a POST with no cookies and no CSRF token.
    response = app.test_client().post(one_click[len(SITE_URL):], data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert korean.pgettext("heading", "You are unsubscribed") in response.get_data(as_text=True)
    with app.app_context():
        withdrawal = db.session.execute(
            select(Consent).join(Signature).where(Signature.email == PETITION_NEWS, Consent.choice == "withdrawn")
        ).scalar_one()
        assert (withdrawal.purpose, withdrawal.locale) == ("email_use", "ko") and withdrawal.given_at
        # The next news goes to the other subscriber only.
        db.session.execute(delete(OutboxMessage))
        db.session.commit()
    assert "queued 1 email(s)" in update(app, "xi", "delivered")
    assert count("xi") == 3  # the signature still counts


def test_unsubscribe_page_needs_the_button_and_drops_news_not_yet_sent(mail_app, mailbox):
    app = mail_app()
    xi_signers(app, mailbox)
    path = link_path(bodies(mailbox.to(COALITION_NEWS)[-1])[0], "/unsubscribe/")  # from the thank-you email
    update(app, "xi", "delivered")  # queued, not sent yet
    scanner = app.test_client()
    assert scanner.get(path).status_code == 200  # a GET changes nothing
    assert scanner.post(path, data={}).status_code == 400  # nor a POST without the page's token
    with app.app_context():
        assert db.session.query(Consent).filter_by(choice="withdrawn").count() == 0
    done = press_button(app.test_client(), path)
    assert done.status_code == 200 and "您已退订" in done.get_data(as_text=True)  # the page of the link's language
    press_button(app.test_client(), path)  # twice: recorded once
    with app.app_context():
        assert db.session.query(Consent).filter_by(choice="withdrawn").count() == 1
    send_outbox(app)
    assert len(mailbox.to(COALITION_NEWS)) == 2  # confirmation and thank-you; the news was dropped
    assert len(mailbox.to(PETITION_NEWS)) == 3


def test_unhcr_and_congress_boxes_decide_who_hears_from_us(mail_app, mailbox):
    app = mail_app()
    client = app.test_client()
    sign(client, "unhcr", email="yes@example.org", updates="y")
    sign(client, "unhcr", email="no@example.org", updates=None)
    sign(client, "congress", first_name="Min", email="follow@example.org", follow_up="y")
    sign(client, "congress", first_name="Jun", email="", follow_up=None)
    # Everyone who gave an address confirms it (unhcr counts then; congress counted at once
    # and the address is confirmed before news); a thank-you only to those who ticked the box.
    send_outbox(app)
    for address in ("yes@example.org", "no@example.org", "follow@example.org"):
        confirm_by_email(client, mailbox, address)
    send_outbox(app)
    assert len(mailbox.to("yes@example.org")) == 2 and len(mailbox.to("follow@example.org")) == 2
    assert len(mailbox.to("no@example.org")) == 1  # the confirmation only
    assert "queued 1 email(s)" in update(app, "unhcr", "delivered")
    assert "queued 1 email(s)" in update(app, "congress", "delivered", "--audience", "coalition")
    send_outbox(app)
    assert len(mailbox.to("no@example.org")) == 1
    assert len(mailbox.to("yes@example.org")) == len(mailbox.to("follow@example.org")) == 3


def test_mail_update_refuses_unknown_campaign_or_template(mail_app):
    runner = mail_app().test_cli_runner()
    assert runner.invoke(args=["mail", "update", "nope", "delivered"]).exit_code != 0
    result = runner.invoke(args=["mail", "update", "xi", "no-such-template"])
    assert result.exit_code != 0 and "email/updates/no-such-template" in result.output


def test_unsubscribe_link_of_someone_erased_is_harmless(mail_app, mailbox):
    app = mail_app()
    client = app.test_client()
    sign(client, "unhcr", updates="y")
    send_outbox(app)
    confirm_by_email(client, mailbox, VALID_SIGNERS["unhcr"]["email"])
    send_outbox(app)
    path = link_path(bodies(mailbox.to(VALID_SIGNERS["unhcr"]["email"])[-1])[0], "/unsubscribe/")
    assert app.test_cli_runner().invoke(args=["privacy", "erase", VALID_SIGNERS["unhcr"]["email"]]).exit_code == 0
    response = app.test_client().post(path + "/one-click", data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert db.session.query(Consent).count() == 0
