"""Moderation: a hidden signature leaves the count, the lists and the exports, with its reason
and organiser in the audit log; undo puts it back; repeated clicks change the count once."""
import json

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
