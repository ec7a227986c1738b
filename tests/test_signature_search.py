"""Searching the organisers' list of signatures: sent by POST so that an email address searched for
never sits in a URL (a proxy's or the server's access log, the browser's history, a Referer), paging
and hiding keep the search, and every search shown is in the audit log (an address as its key)."""
import json
import re

from sqlalchemy import select

from campaign.extensions import db
from campaign.models import AuditEntry, Signature
from campaign.petitions.identity import email_key
from conftest import confirm_pending, csrf_token, sign
from test_organisers import admin, log_in  # noqa: F401  (fixture)

LISTING = "/en/organisers/unhcr/signatures/"
SEARCHED = "find.me@example.org"


def organiser(app):
    confirm_pending(app)  # unhcr lists a signature once its address is confirmed
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client


def search(client, text, **fields):
    return client.post(LISTING, data={"csrf_token": csrf_token(client, LISTING), "q": text, **fields})


def searches(app):
    with app.app_context():
        return [(entry.user_id, entry.campaign, json.loads(entry.details)) for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "signature_search").order_by(AuditEntry.id))]


def every_url(html):
    return re.findall(r'(?:href|action)="([^"]*)"', html)


def test_search_is_posted_and_no_url_carries_it(app, client, admin):  # noqa: F811
    assert sign(client, "unhcr", first_name="Findme", email="Find.Me@Example.org").status_code == 303
    assert sign(client, "unhcr", first_name="Other", email="other@example.org").status_code == 303
    browser = organiser(app)
    listing = browser.get(LISTING).get_data(as_text=True)
    assert re.search(r'<form method="post" action="/en/organisers/unhcr/signatures/" class="search">', listing)
    found = search(browser, SEARCHED)
    page = found.get_data(as_text=True)
    assert found.status_code == 200 and "Findme" in page and "Other" not in page
    assert "no-store" in found.headers["Cache-Control"]
    for url in every_url(page):
        assert "find" not in url.lower() and "%40" not in url and "@" not in url, url
    # The old way, an address in the query string, searches nothing (and is not audited).
    in_url = browser.get(f"{LISTING}?q={SEARCHED}").get_data(as_text=True)
    assert "Findme" in in_url and "Other" in in_url
    assert searches(app) == [(admin, "unhcr", {"email_key": email_key(SEARCHED), "found": 1, "page": 1,
                                               "hidden": False})]


def test_a_search_by_name_is_audited_with_its_text(app, client, admin):  # noqa: F811
    assert sign(client, "unhcr", first_name="Findme", email="a@example.org").status_code == 303
    browser = organiser(app)
    assert "Findme" in search(browser, "  findm ").get_data(as_text=True)
    assert browser.get(LISTING).status_code == 200  # the plain list is not a search
    assert searches(app) == [(admin, "unhcr", {"text": "findm", "found": 1, "page": 1, "hidden": False})]


def test_paging_a_search_posts_it_again(app, client, admin, monkeypatch):  # noqa: F811
    import campaign.organisers.moderation as moderation

    monkeypatch.setattr(moderation, "PAGE_SIZE", 2)
    for number in range(5):
        assert sign(client, "unhcr", first_name=f"Kim{number}", last_name="Park",
                    email=f"kim{number}@example.org").status_code == 303
    assert sign(client, "unhcr", first_name="Someone", last_name="Else", email="else@example.org").status_code == 303
    browser = organiser(app)
    first = search(browser, "kim").get_data(as_text=True)
    assert "Kim4" in first and "Kim3" in first and "Kim2" not in first and "Someone" not in first
    # "Older" is a form posting the search and the next page, not a link.
    older = re.search(r'<form method="post" action="/en/organisers/unhcr/signatures/">(.*?)</form>', first.split(
        '<div class="page-links">')[1], re.S).group(1)
    assert 'name="q" value="kim"' in older and 'name="page" value="2"' in older and "Older" in older
    second = search(browser, "kim", page="2").get_data(as_text=True)
    assert "Kim1" in second and "Kim2" in second and "Kim4" not in second and "Someone" not in second
    # Without a search, paging stays a plain link (from the page's last signature: test_million_rows.py).
    plain = browser.get(LISTING).get_data(as_text=True)
    assert re.search(rf'href="{LISTING}\?page=2&amp;before=\d+"', plain)
    assert [details["page"] for _u, _c, details in searches(app)] == [1, 2]


def test_hiding_from_a_search_shows_the_search_again_without_a_url(app, client, admin):  # noqa: F811
    assert sign(client, "unhcr", first_name="Spammy", email="spam1@example.org").status_code == 303
    assert sign(client, "unhcr", first_name="Spammy", email="spam2@example.org").status_code == 303
    assert sign(client, "unhcr", first_name="Real", email="real@example.org").status_code == 303
    browser = organiser(app)
    page = search(browser, "spammy").get_data(as_text=True)
    hide_action = re.search(r'<form method="post" class="hide-form" action="([^"]+)">(.*?)</form>', page, re.S)
    assert "?" not in hide_action.group(1) and 'name="q" value="spammy"' in hide_action.group(2)
    with app.app_context():
        target = db.session.scalars(select(Signature.id).where(Signature.email == "spam1@example.org")).one()
    response = browser.post(f"/en/organisers/unhcr/signatures/{target}/hide", data={
        "csrf_token": csrf_token(browser, LISTING), "reason": "spam", "q": "spammy", "page": "1"})
    again = response.get_data(as_text=True)
    listed = again.split('class="signature-list"')[1]  # (the banner above it names the one hidden)
    assert response.status_code == 200 and listed.count("Spammy") == 1 and "Real" not in again
    # Without a search, hiding answers with a redirect to the plain list (with the banner's signature).
    with app.app_context():
        other = db.session.scalars(select(Signature.id).where(Signature.email == "spam2@example.org")).one()
    plain = browser.post(f"/en/organisers/unhcr/signatures/{other}/hide", data={
        "csrf_token": csrf_token(browser, LISTING), "reason": "spam"})
    assert plain.status_code == 303 and plain.headers["Location"].endswith(f"{LISTING}?hidden={other}")


def test_search_needs_a_csrf_token_sign_in_and_the_campaign(app, client, admin):  # noqa: F811
    from test_organisers import add_user

    assert client.post(LISTING, data={"q": SEARCHED}).status_code == 400
    anonymous = app.test_client()
    refused = anonymous.post(LISTING, data={"csrf_token": csrf_token(anonymous, "/en/organisers/login"),
                                            "q": SEARCHED})
    assert refused.status_code == 303 and "/organisers/login" in refused.headers["Location"]
    assert SEARCHED not in refused.headers["Location"]
    add_user(app, "congress@example.org", campaigns=["congress"])
    other = app.test_client()
    log_in(other, "congress@example.org")
    assert other.post(LISTING, data={"csrf_token": csrf_token(other, "/en/organisers/"), "q": SEARCHED}).status_code \
        == 403
    assert searches(app) == []


def test_odd_page_numbers_and_long_text_are_harmless(app, client, admin):  # noqa: F811
    browser = organiser(app)
    for page in ("0", "-3", "x", "99999999999999999999999", "١٢"):
        assert search(browser, "kim", page=page).status_code == 200, page
        assert browser.get(f"{LISTING}?page={page}").status_code == 200, page
    assert search(browser, "k" * 5000).status_code == 200
