"""Signer safety: a stranger who submits someone's email learns nothing about whether that
person signed; one mailbox is one person; what a stranger types never speaks in our emails;
links carry no signature numbers; every signer knows, and chooses, what is delivered.

Each test here shows an attack or a broken promise found in review (issue "Signer safety").
"""
import base64
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from campaign.extensions import db
from campaign.models import Consent, OutboxMessage, Signature, utcnow
from conftest import VALID_SIGNERS, confirm_pending, sign
from email_support import SITE_URL, link_path

EMAIL_CAMPAIGNS = ["xi", "unhcr"]


def outbox(app):
    with app.app_context():
        rows = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return rows


def signatures(app, slug):
    with app.app_context():
        rows = db.session.execute(select(Signature).where(Signature.campaign == slug)
                                  .order_by(Signature.id)).scalars().all()
        db.session.expunge_all()
        return rows


def age_last_email(app, minutes=60):
    """Pretend the last email to every signer went out long ago (outside the resend window)."""
    with app.app_context():
        db.session.execute(update(Signature).values(confirmation_sent_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def visible(response):
    """What an observer of one HTTP answer sees (the CSRF cookie aside, which every visit gets)."""
    headers = sorted((name, value) for name, value in response.headers.items()
                     if name.lower() not in {"set-cookie", "date"})
    return response.status_code, headers, response.get_data()


@pytest.fixture
def site(make_app):
    return make_app(SITE_URL=SITE_URL)


@pytest.mark.parametrize("slug", EMAIL_CAMPAIGNS)
def test_submitting_a_signers_email_reveals_nothing(site, count, slug):
    """The attack: sign with a victim's address and watch the count, the answer and the mail."""
    victim = "victim@example.org"
    sign(site.test_client(), slug, email=victim)
    confirm_pending(site)
    age_last_email(site)
    before = count(slug)
    known = sign(site.test_client(), slug, email=victim, first_name="Probe")
    after_known = count(slug)
    unknown = sign(site.test_client(), slug, email="nobody-signed@example.org", first_name="Probe")
    after_unknown = count(slug)

    assert after_known - before == after_unknown - after_known == 0
    assert visible(known) == visible(unknown)
    # Exactly one email to each address: the owner of the address learns that someone used it.
    messages = outbox(site)[-2:]
    assert [m.to_address for m in messages] == [victim, "nobody-signed@example.org"]
    assert [m.kind for m in messages] == ["already_signed", "confirm"]


def test_a_repeat_gets_at_most_one_email_per_resend_window(site):
    sign(site.test_client(), "unhcr")
    confirm_pending(site)
    before = len(outbox(site))
    for _ in range(3):
        sign(site.test_client(), "unhcr")
    assert len(outbox(site)) == before  # the window opened when the first email was queued
    age_last_email(site)
    for _ in range(3):
        sign(site.test_client(), "unhcr")
    assert [m.kind for m in outbox(site)[before:]] == ["already_signed"]


def test_the_already_signed_email_tells_the_owner_there_is_nothing_to_do(site):
    sign(site.test_client(), "unhcr")
    confirm_pending(site)
    age_last_email(site)
    sign(site.test_client(), "unhcr")
    message = outbox(site)[-1]
    assert message.kind == "already_signed"
    assert "already signed" in message.body_text
    assert "nothing to do" in message.body_text
    assert "/confirm/" not in message.body_text


@pytest.mark.parametrize("addresses, people", [
    (["minji@example.org", "minji+1@example.org", "MinJi+2@example.org"], 1),
    (["minji@gmail.com", "min.ji@gmail.com", "M.I.N.J.I+x@googlemail.com"], 1),
    # Dots matter outside Gmail.
    (["min.ji@example.org", "minji@example.org"], 2),
])
def test_one_mailbox_is_one_person(site, addresses, people):
    for address in addresses:
        sign(site.test_client(), "unhcr", email=address)
    rows = signatures(site, "unhcr")
    assert len(rows) == people
    # The address is kept as typed (the newest, for a pending signature): only the key is canonical.
    assert rows[-1].email == addresses[-1]


def test_a_thousand_tagged_addresses_confirm_one_signature(site, count):
    for number in range(5):
        sign(site.test_client(), "xi", email=f"minji+{number}@example.org")
    confirm_pending(site)
    assert count("xi") == 1


def test_unhcr_counts_only_confirmed_signatures(site, count):
    sign(site.test_client(), "unhcr")
    assert count("unhcr") == 0
    assert [m.kind for m in outbox(site)] == ["confirm"]
    confirm_pending(site)
    assert count("unhcr") == 1


def test_confirmation_can_still_be_turned_off(make_app, count):
    app = make_app(CONFIRMATION_REQUIRED="")
    sign(app.test_client(), "unhcr")
    assert count("unhcr") == 1


def test_the_newest_submission_replaces_a_planted_pending_signature(site):
    email = VALID_SIGNERS["xi"]["email"]
    sign(site.test_client(), "xi", first_name="Planted", last_name="Byastranger", city="Pyongyang", country="KP")
    age_last_email(site)
    sign(site.test_client(), "xi", first_name="Mei", last_name="Chen", city="Toronto", country="CA")
    [row] = signatures(site, "xi")
    assert (row.first_name, row.last_name, row.city, row.country, row.email) == ("Mei", "Chen", "Toronto", "CA", email)

    # The page the email links to shows what will be delivered, before the button.
    path = link_path(outbox(site)[-1].body_text, "/confirm/")
    page = site.test_client().get(path).get_data(as_text=True)
    before_button = page.split('<button type="submit"')[0]
    for shown in ("Mei", "Chen", "Toronto", "Canada"):
        assert shown in before_button
    assert "Planted" not in page and "Pyongyang" not in page


def test_the_newest_submission_replaces_a_pending_signatures_consents(site):
    sign(site.test_client(), "xi", email_use="coalition_news")
    sign(site.test_client(), "xi", email_use="count_only")
    with site.app_context():
        choices = db.session.execute(select(Consent.choice).where(Consent.purpose == "email_use")).scalars().all()
    assert choices == ["count_only"]


def test_a_counted_signature_is_never_changed_by_a_later_submission(site):
    sign(site.test_client(), "xi")
    confirm_pending(site)
    age_last_email(site)
    sign(site.test_client(), "xi", first_name="Someone", last_name="Else", city="Elsewhere")
    [row] = signatures(site, "xi")
    assert (row.first_name, row.city) == (VALID_SIGNERS["xi"]["first_name"], VALID_SIGNERS["xi"]["city"])


SCAM_NAME = {"first_name": "Security alert: re-verify at https://evil.example/login",
             "last_name": "now or lose access"}


@pytest.mark.parametrize("slug", ["xi", "unhcr", "congress"])
def test_no_typed_name_travels_in_our_email(site, slug):
    extra = {"follow_up": "y", "email": "young@example.org"} if slug == "congress" else {}
    sign(site.test_client(), slug, **SCAM_NAME, **extra)
    confirm_pending(site)
    messages = outbox(site)
    assert messages
    for message in messages:
        for part in (message.subject, message.body_text, message.body_html):
            assert "evil.example" not in part and "Security alert" not in part and "lose access" not in part


def test_congress_news_waits_for_a_confirmed_address(site):
    from campaign.campaigns import congress
    from campaign.mail.updates import queue_news

    sign(site.test_client(), "congress", follow_up="y", email="young@example.org")
    assert [m.kind for m in outbox(site)] == ["confirm"]
    with site.app_context():
        assert queue_news(congress.definition, "delivered").queued == 0
    path = link_path(outbox(site)[0].body_text, "/confirm/")
    client = site.test_client()
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(path, data={"csrf_token": token})
    with site.app_context():
        report = queue_news(congress.definition, "delivered")
        assert (report.queued, report.repeated, report.capped) == (1, 0, 0)


def test_links_carry_no_signature_number(site):
    sign(site.test_client(), "xi", email_use="coalition_news")
    confirm_pending(site)
    [row] = signatures(site, "xi")
    tokens = [link_path(m.body_text, part).rsplit("/", 1)[-1]
              for m in outbox(site) for part in ("/confirm/", "/unsubscribe/") if part in m.body_text]
    assert len(tokens) == 2
    for token in tokens:
        encoded = token.split(".")[0]
        payload = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        assert row.id not in payload and str(row.id) not in payload
        assert isinstance(payload[0], str) and len(payload[0]) >= 16


DELIVERED = {
    "xi": "Your first and last name, city and country are delivered to the embassies and consulates of the "
          "People’s Republic of China.",
    "congress": "Your name, city, state and congressional district are delivered to your member of Congress "
                "and your senators.",
    "unhcr": "Your name and country are delivered to the UN High Commissioner for Refugees.",
}


@pytest.mark.parametrize("slug", sorted(DELIVERED))
def test_each_sign_page_says_what_is_delivered_next_to_the_button(site, slug):
    page = site.test_client().get(f"/en/{slug}/").get_data(as_text=True)
    form = page.split('<form method="post"')[1].split("</form>")[0]
    assert DELIVERED[slug] in form.replace("&#39;", "’")
    assert "Deliver my signature without my name" in form


def test_congress_promises_what_it_does(site):
    page = site.test_client().get("/en/congress/").get_data(as_text=True)
    assert "We will only share your city, state and congressional district" not in page
    assert "The public list of signers shows only your city, state and congressional district." in page


@pytest.mark.parametrize("slug", sorted(DELIVERED))
def test_a_signer_may_withhold_their_name(site, slug):
    sign(site.test_client(), slug, withhold_name="y")
    [row] = signatures(site, slug)
    assert row.name_withheld
    with site.app_context():
        consent = db.session.execute(select(Consent).where(Consent.purpose == "name_delivery")).scalar_one()
        assert consent.choice == "withheld" and consent.wording_version


def test_a_signer_who_says_nothing_is_delivered_with_their_name(site):
    sign(site.test_client(), "unhcr")
    [row] = signatures(site, "unhcr")
    assert not row.name_withheld
    with site.app_context():
        assert db.session.execute(select(Consent.choice).where(Consent.purpose == "name_delivery")).scalar_one() \
            == "named"


def test_the_dashboard_says_how_many_chose_to_withhold_their_name(site):
    from test_organisers import add_user, log_in

    from campaign.models import ROLE_ADMIN

    sign(site.test_client(), "congress", withhold_name="y")
    sign(site.test_client(), "congress", first_name="Min", last_name="Kim")
    add_user(site, "admin@example.org", role=ROLE_ADMIN)
    client = site.test_client()
    log_in(client, "admin@example.org")
    page = client.get("/en/organisers/congress/").get_data(as_text=True)
    assert "1 signer chose to be delivered without their name." in page


def test_a_packet_lists_a_withheld_name_as_such_with_the_place(site, tmp_path):
    from test_delivery import build, pdf_text

    sign(site.test_client(), "unhcr", first_name="Hidden", last_name="Person", country="DE", withhold_name="y")
    sign(site.test_client(), "unhcr", first_name="Named", last_name="Signer", email="named@example.org")
    confirm_pending(site)
    text = "".join(pdf_text(path) for path in build(site.test_cli_runner(), "unhcr", tmp_path).values())
    assert "Hidden" not in text and "Person" not in text
    assert "Name withheld" in text and "Germany" in text and "Named Signer" in text


def test_only_the_newest_confirmation_link_confirms(site):
    """A pending signature sent a new confirmation takes a new reference: the older email's link
    can no longer confirm details its reader may never have seen (the newest submission's)."""
    sign(site.test_client(), "xi", first_name="Planted", last_name="Byastranger", city="Pyongyang", country="KP")
    older = link_path(outbox(site)[-1].body_text, "/confirm/")
    age_last_email(site)
    sign(site.test_client(), "xi", first_name="Mei", last_name="Chen", city="Toronto", country="CA")
    newer = link_path(outbox(site)[-1].body_text, "/confirm/")
    assert newer != older

    refused = site.test_client().get(older)
    assert refused.status_code == 404
    assert "only the link in the newest one works" in refused.get_data(as_text=True)
    assert "Mei" not in refused.get_data(as_text=True)
    assert "Mei" in site.test_client().get(newer).get_data(as_text=True)


def test_a_repeat_within_the_resend_window_keeps_the_link_that_was_sent(site):
    sign(site.test_client(), "xi")
    [email] = outbox(site)
    sign(site.test_client(), "xi", city="Vancouver")  # no new email: the first one's link must still work
    assert len(outbox(site)) == 1
    page = site.test_client().get(link_path(email.body_text, "/confirm/"))
    assert page.status_code == 200 and "Vancouver" in page.get_data(as_text=True)


def test_two_submissions_at_the_same_instant_count_once(site, monkeypatch):
    """Two workers may read the clock in the same microsecond for one person (a double click,
    or a stranger's burst). Whether a row is new must not rest on its creation time alone, or
    both would count (and both would be told they were first)."""
    from campaign.petitions import signing
    from campaign.petitions.counting import signature_count

    instant = utcnow()
    monkeypatch.setattr(signing, "utcnow", lambda: instant)
    sign(site.test_client(), "congress")
    sign(site.test_client(), "congress")
    with site.app_context():
        assert signature_count("congress") == 1
    assert len(signatures(site, "congress")) == 1
