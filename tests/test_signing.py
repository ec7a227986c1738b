"""Signing end to end: a signature counts once, repeats look identical, and the count is exact."""
import json
import threading

import pytest

from campaign.extensions import db
from campaign.models import Consent, Signature
from conftest import VALID_SIGNERS, confirm_pending, csrf_token, sign

CAMPAIGNS = ["congress", "xi", "unhcr"]
LANGS = ["en", "ko", "zh-Hans", "zh-Hant"]


@pytest.mark.parametrize("slug", CAMPAIGNS)
@pytest.mark.parametrize("lang", LANGS)
def test_sign_counts_one_and_thanks_in_language(app, client, count, slug, lang):
    before = count(slug)
    response = sign(client, slug, lang)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/{lang}/{slug}/thanks")
    if slug in ("xi", "unhcr"):  # counts once its signer confirms the email (test_email_confirmation.py)
        assert count(slug) == before
        confirm_pending(app)
    assert count(slug) == before + 1
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert f'<html lang="{lang}">' in thanks.get_data(as_text=True)


def _comparable(response):
    headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Set-Cookie")}
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("slug", CAMPAIGNS)
def test_repeat_signature_answers_the_same_and_stores_no_new_row(client, app, count, rows, slug):
    first = sign(client, slug)
    after_first = (count(slug), rows(slug))
    # The same person, typed differently: case, spaces and full-width forms fold together.
    if slug == "congress":
        repeat = sign(client, slug, first_name="  YOUNG ", last_name="ｐａｒｋ", zip_code="92833-0001")
    else:
        email = VALID_SIGNERS[slug]["email"].upper()
        repeat = sign(client, slug, email=f"  {email}  ", first_name="Someone", last_name="Else")
    assert _comparable(repeat) == _comparable(first)
    assert (count(slug), rows(slug)) == after_first
    with app.app_context():
        # The campaign's question and "deliver without my name", once each (a pending signature's
        # answers are replaced by the newest submission's: test_signer_safety.py).
        assert db.session.query(Consent).count() == 2


def test_stored_signature_keeps_locale_source_time_and_consent(client, app):
    sign(client, "xi", "zh-Hant", email_use="petition_updates")
    with app.app_context():
        signature = db.session.query(Signature).one()
        assert (signature.locale, signature.source, signature.country) == ("zh-Hant", "web", "CA")
        assert signature.created_at.utcoffset().total_seconds() == 0
        consent = signature.consents[0]
        assert (consent.purpose, consent.choice, consent.locale) == ("email_use", "petition_updates", "zh-Hant")
        assert consent.wording_version.startswith("xi-email-use-")


def test_congress_stores_no_street_address_and_never_an_unconsented_email(client, app):
    # A street address posted anyway (an old page, a bot) is not stored: the form no longer asks it.
    sign(client, "congress", address_or_district="1 Elm Road", email="young@example.org")
    sign(client, "congress", first_name="Min", email="min@example.org", follow_up="y")
    with app.app_context():
        by_name = {s.first_name: s for s in db.session.query(Signature)}
    assert (by_name["Young"].street_address, by_name["Young"].email) == (None, None)
    assert (by_name["Min"].street_address, by_name["Min"].email) == (None, "min@example.org")


def test_honeypot_gets_the_normal_answer_but_stores_nothing(client, count):
    response = sign(client, "unhcr", website="http://spam.example")
    assert response.status_code == 303
    assert count("unhcr") == 0


def test_a_form_with_a_mistake_shows_it_even_with_the_honeypot_filled(client, count):
    """A person whose browser filled the hidden field sees their mistake, as anyone does."""
    response = sign(client, "unhcr", website="http://spam.example", first_name="")
    assert response.status_code == 400 and "Please enter your first name." in response.get_data(as_text=True)
    assert count("unhcr") == 0


def test_count_json_is_cacheable_and_tells_only_totals(app, client):
    sign(client, "xi")
    confirm_pending(app)
    response = client.get("/ko/xi/count.json")
    assert response.status_code == 200
    assert response.cache_control.public and response.cache_control.max_age > 0
    body = json.loads(response.data)
    assert body == {"campaign": "xi", "count": 1, "goal": body["goal"], "closed": False, "deadline": body["deadline"]}


def test_concurrent_repeats_count_once(make_app, count, rows):
    app = make_app()
    barrier = threading.Barrier(6)
    statuses = []

    def signer():
        client = app.test_client()
        token = csrf_token(client, "/en/xi/")
        barrier.wait()
        response = client.post("/en/xi/", data={**VALID_SIGNERS["xi"], "csrf_token": token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=signer) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303] * 6
    confirm_pending(app)
    assert (count("xi"), rows("xi")) == (1, 1)


def test_count_is_read_from_counters_not_count_star(client, app):
    """The sign page must not count the signature table on every view."""
    from sqlalchemy import event

    statements = []
    with app.app_context():
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            client.get("/en/congress/")
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
    assert statements, "the page read no count at all"
    assert not [s for s in statements if "FROM signature " in s + " " and "count(" in s.lower()]
