"""Moderation: a hidden signature leaves the count, the lists and the exports, with its reason
and organiser in the audit log; undo puts it back; repeated clicks change the count once."""
import json
import re

from sqlalchemy import select

from campaign.extensions import db
from campaign.models import AuditEntry, Signature
from conftest import confirm_pending, csrf_token, sign
from test_organisers import admin, log_in  # noqa: F401  (fixture)


def signature_id(app, first_name):
    with app.app_context():
        return db.session.execute(select(Signature.id).where(Signature.first_name == first_name)).scalar_one()


def public_count(client):
    return client.get("/en/congress/count.json").get_json()["count"]


def test_hide_and_undo(app, client, admin):  # noqa: F811
    assert sign(client, "congress", first_name="Zorblax", last_name="Bot", zip_code="10001", state="NY").status_code == 303
    assert sign(client, "congress", first_name="Real", last_name="Person").status_code == 303
    assert public_count(client) == 2
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    listing = "/en/organisers/congress/signatures/"
    token = csrf_token(organiser, listing)
    spam = signature_id(app, "Zorblax")
    for _ in range(2):  # a second click (another organiser, a double submit) changes nothing more
        response = organiser.post(f"/en/organisers/congress/signatures/{spam}/hide",
                                  data={"csrf_token": token, "reason": "spam", "note": "same IP, 40 names"})
        assert response.status_code == 303
    assert public_count(client) == 1
    assert "Zorblax" not in organiser.get(listing).get_data(as_text=True)
    hidden_page = organiser.get(listing + "?show=hidden").get_data(as_text=True)
    assert "Zorblax" in hidden_page and "same IP, 40 names" in hidden_page
    csv_text = organiser.get("/en/organisers/congress/signatures.csv").get_data(as_text=True)
    assert "Zorblax" not in csv_text and "Real" in csv_text
    dashboard = organiser.get("/en/organisers/congress/").get_data(as_text=True)
    assert "1 signature in total." in dashboard
    for _ in range(2):
        assert organiser.post(f"/en/organisers/congress/signatures/{spam}/unhide",
                              data={"csrf_token": token}).status_code == 303
    assert public_count(client) == 2
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.user_id, AuditEntry.details).where(
            AuditEntry.action.like("signature_%")).order_by(AuditEntry.id)).all()
    assert [(action, user, json.loads(details)) for action, user, details in entries] == [
        ("signature_hide", admin, {"signature": spam, "reason": "spam: same IP, 40 names"}),
        ("signature_unhide", admin, {"signature": spam})]


def test_a_reason_is_required_and_a_bad_one_refused(app, client, admin):  # noqa: F811
    assert sign(client, "congress").status_code == 303
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    token = csrf_token(organiser, "/en/organisers/congress/signatures/")
    target = signature_id(app, "Young")
    for data in ({}, {"reason": "because"}, {"reason": "spam", "note": "x" * 151}):
        response = organiser.post(f"/en/organisers/congress/signatures/{target}/hide", data={"csrf_token": token, **data})
        assert response.status_code == 400, data
    assert public_count(client) == 1


def test_search_finds_by_name_and_by_email(app, client, admin):  # noqa: F811
    assert sign(client, "unhcr", first_name="Findme", email="Find.Me@Example.org").status_code == 303
    assert sign(client, "unhcr", first_name="Other", email="other@example.org").status_code == 303
    confirm_pending(app)  # unhcr lists a signature once its address is confirmed
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    listing = "/en/organisers/unhcr/signatures/"  # searches are posted (tests/test_signature_search.py)
    token = csrf_token(organiser, listing)
    by_name = organiser.post(listing, data={"csrf_token": token, "q": "findm"}).get_data(as_text=True)
    by_email = organiser.post(listing, data={"csrf_token": token, "q": "find.me@example.org"}).get_data(as_text=True)
    for page in (by_name, by_email):
        assert "Findme" in page and "Other" not in page


def banner(html):
    found = re.search(r'<div class="success"[^>]*>(.*?)</div>', html, re.S)
    return found.group(1) if found else None


def test_hiding_shows_a_success_banner_with_undo(app, client, admin):  # noqa: F811
    assert sign(client, "congress", first_name="Zorblax", last_name="Bot").status_code == 303
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    listing = "/en/organisers/congress/signatures/"
    assert banner(organiser.get(listing).get_data(as_text=True)) is None
    spam = signature_id(app, "Zorblax")
    hidden = organiser.post(f"/en/organisers/congress/signatures/{spam}/hide",
                            data={"csrf_token": csrf_token(organiser, listing), "reason": "spam"})
    assert hidden.status_code == 303 and hidden.headers["Location"].endswith(f"{listing}?hidden={spam}")
    shown = banner(organiser.get(hidden.headers["Location"]).get_data(as_text=True))
    assert "You hid the signature of Zorblax Bot (Spam). It no longer counts." in shown
    undo = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', shown, re.S)
    assert undo.group(1) == f"/en/organisers/congress/signatures/{spam}/unhide"
    assert 'name="csrf_token"' in undo.group(2) and ">Undo</button>" in undo.group(2)
    assert public_count(client) == 0
    restored = organiser.post(undo.group(1), data={"csrf_token": csrf_token(organiser, listing), "page": "1"})
    assert restored.status_code == 303 and restored.headers["Location"].endswith(f"{listing}?restored={spam}")
    assert "The signature of Zorblax Bot counts again." in banner(
        organiser.get(restored.headers["Location"]).get_data(as_text=True))
    assert public_count(client) == 1
    # An address kept from before says nothing untrue: the signature counts now, so no "hidden" banner.
    assert banner(organiser.get(hidden.headers["Location"]).get_data(as_text=True)) is None
    assert banner(organiser.get(f"{listing}?hidden=999999").get_data(as_text=True)) is None


def test_hiding_from_a_search_shows_the_banner_and_keeps_the_search(app, client, admin):  # noqa: F811
    assert sign(client, "congress", first_name="Spammy", last_name="One", zip_code="92808").status_code == 303
    assert sign(client, "congress", first_name="Real", last_name="Person").status_code == 303
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    listing = "/en/organisers/congress/signatures/"
    target = signature_id(app, "Spammy")
    page = organiser.post(f"/en/organisers/congress/signatures/{target}/hide", data={
        "csrf_token": csrf_token(organiser, listing), "reason": "spam", "q": "spammy", "page": "1"})
    assert page.status_code == 200
    shown = banner(page.get_data(as_text=True))
    assert "You hid the signature of Spammy One" in shown and 'name="q" value="spammy"' in shown
    undone = organiser.post(f"/en/organisers/congress/signatures/{target}/unhide", data={
        "csrf_token": csrf_token(organiser, listing), "q": "spammy", "page": "1"})
    html = undone.get_data(as_text=True)
    assert undone.status_code == 200 and "The signature of Spammy One counts again." in banner(html)
    assert "Real" not in html  # still the search
    with app.app_context():
        searched = db.session.execute(select(AuditEntry.details).where(
            AuditEntry.action == "signature_search")).scalars().all()
    assert [json.loads(details)["text"] for details in searched] == ["spammy", "spammy"]


def test_lists_show_country_names_and_each_signers_own_name_order(app, client, admin):  # noqa: F811
    assert sign(client, "xi", "en", first_name="Mei", last_name="Chen", country="CA",
                email="mei@example.org").status_code == 303
    assert sign(client, "xi", "ko", first_name="Minjun", last_name="Kim", country="KR", city="Seoul",
                email="minjun@example.org").status_code == 303
    assert sign(client, "congress", "en", first_name="Young", last_name="Park", state="CA",
                zip_code="92833").status_code == 303
    confirm_pending(app)
    organiser = app.test_client()
    log_in(organiser, "admin@example.org")
    xi = organiser.get("/ko/organisers/xi/signatures/").get_data(as_text=True)
    # Each signer's name in the order of the form they signed, whatever the organiser's language.
    assert ">Mei Chen<" in xi and ">Kim Minjun<" in xi
    places = re.findall(r'<td class="place" translate="no">([^<]*)</td>', xi)
    assert places == ["Seoul, 대한민국", "Toronto, 캐나다"]  # country names, not codes
    congress = organiser.get("/en/organisers/congress/signatures/").get_data(as_text=True)
    assert re.findall(r'<td class="place" translate="no">([^<]*)</td>', congress) == ["Fullerton, California"]
