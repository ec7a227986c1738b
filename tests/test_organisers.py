"""Organiser sign-in, access by role, the dashboard's figures and the campaign settings it changes."""
import json
import re
import time
from datetime import date, datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from sqlalchemy import select

from campaign.accounts import hash_password
from campaign.extensions import db
from campaign.models import ROLE_ADMIN, ROLE_ORGANISER, AuditEntry, CampaignOrganiser, User
from conftest import VALID_SIGNERS, confirm_pending, csrf_token, sign

PASSWORD = "correct horse battery staple"
LOGIN = "/en/organisers/login"
CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="[^"]*"')


def add_user(app, email, role=ROLE_ORGANISER, campaigns=(), name="Sun Kim"):
    with app.app_context():
        user = User(email=email, name=name, role=role, password_hash=hash_password(PASSWORD))
        db.session.add(user)
        db.session.flush()
        db.session.add_all([CampaignOrganiser(user_id=user.id, campaign=slug) for slug in campaigns])
        db.session.commit()
        return user.id


def log_in(client, email, password=PASSWORD, lang="en"):
    url = f"/{lang}/organisers/login"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "email": email, "password": password})


def audit_actions(app, action=None):
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return [(entry.action, entry.user_id, entry.campaign, json.loads(entry.details))
                for entry in db.session.scalars(query)]


@pytest.fixture
def admin(app):
    return add_user(app, "admin@example.org", ROLE_ADMIN, name="Ada Admin")


def test_login_success_and_logout_are_audited(app, client, admin):
    response = log_in(client, "  Admin@Example.org ")
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/organisers/")
    home = client.get("/en/organisers/")
    assert home.status_code == 200 and "Ada Admin" in home.get_data(as_text=True)
    assert "no-store" in home.headers["Cache-Control"]
    token = csrf_token(client, "/en/organisers/")
    assert client.post("/en/organisers/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/en/organisers/").status_code == 303
    assert [(action, user) for action, user, _c, _d in audit_actions(app)] == [("login", admin), ("logout", admin)]


def _failure(client, email, password):
    response = log_in(client, email, password)
    return response.status_code, response.get_data(as_text=True).replace(email, "EMAIL")


def test_unknown_address_and_wrong_password_get_the_same_answer(app, admin, monkeypatch):
    import campaign.organisers.auth as auth

    verified = []
    real = auth.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda user, password: verified.append(1) or real(user, password))
    known = _failure(app.test_client(), "admin@example.org", "wrong password here")
    unknown = _failure(app.test_client(), "nobody@example.org", "wrong password here")
    assert known[0] == unknown[0] == 401
    # The same page, word for word, apart from each client's own CSRF token.
    assert CSRF_VALUE.sub("", known[1]) == CSRF_VALUE.sub("", unknown[1])
    assert "do not match an account" in known[1]
    assert verified == [1, 1]  # an argon2 verification in both cases (a dummy hash for the unknown address)
    failed = audit_actions(app, "login_failed")
    assert [(user, details["email"]) for _a, user, _c, details in failed] == [
        (admin, "admin@example.org"), (None, "nobody@example.org")]


def test_lockout_after_failures_answers_like_a_wrong_password(make_app):
    app = make_app(LOGIN_LOCKOUT="3 per 15 minutes", LOGIN_RATE_LIMIT="100 per minute")
    add_user(app, "locked@example.org")
    client = app.test_client()
    for _attempt in range(3):
        assert log_in(client, "locked@example.org", "wrong password here").status_code == 401
    locked = log_in(client, "locked@example.org")  # the right password, but locked
    assert locked.status_code == 401 and "do not match an account" in locked.get_data(as_text=True)
    assert client.get("/en/organisers/").status_code == 303
    # An address without an account locks the same way after the same number of failures.
    for _attempt in range(4):
        assert log_in(client, "ghost@example.org", "wrong password here").status_code == 401
    # Other accounts are not affected.
    add_user(app, "other@example.org")
    assert log_in(client, "other@example.org").status_code == 303


def from_network(client, address):
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_a_strangers_failures_do_not_lock_the_organiser_out_from_another_network(make_app):
    """The attack: five wrong passwords from anywhere used to lock the account for everyone."""
    app = make_app(LOGIN_RATE_LIMIT="100 per minute")
    add_user(app, "sun@example.org")
    stranger = from_network(app.test_client(), "203.0.113.7")
    for _attempt in range(8):
        assert log_in(stranger, "sun@example.org", "wrong password here").status_code == 401
    # The stranger's network is locked out of this account, even with the right password ...
    assert log_in(stranger, "sun@example.org").status_code == 401
    # ... and the organiser, at the office, signs in.
    organiser = from_network(app.test_client(), "198.51.100.20")
    assert log_in(organiser, "sun@example.org").status_code == 303
    assert organiser.get("/en/organisers/").status_code == 200


def test_an_ipv6_64_counts_as_one_network(make_app):
    app = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_LOCKOUT="3 per 15 minutes")
    add_user(app, "sun@example.org")
    for host in range(1, 4):  # three addresses of one /64
        stranger = from_network(app.test_client(), f"2001:db8:5:7::{host:x}")
        assert log_in(stranger, "sun@example.org", "wrong password here").status_code == 401
    same_network = from_network(app.test_client(), "2001:db8:5:7:ffff::1")
    assert log_in(same_network, "sun@example.org").status_code == 401
    next_network = from_network(app.test_client(), "2001:db8:5:8::1")
    assert log_in(next_network, "sun@example.org").status_code == 303


def test_many_networks_slow_an_account_down_and_never_lock_it(make_app):
    app = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_LOCKOUT="3 per 15 minutes",
                   LOGIN_ACCOUNT_FAILURES="6 per 15 minutes", LOGIN_SLOWED_ATTEMPTS="1 per 2 seconds")
    add_user(app, "sun@example.org")
    add_user(app, "other@example.org")
    for network in range(3):  # a botnet: two guesses from each of three networks
        stranger = from_network(app.test_client(), f"192.0.2.{network + 1}")
        for _attempt in range(2):
            assert log_in(stranger, "sun@example.org", "wrong password here").status_code == 401
    organiser = from_network(app.test_client(), "198.51.100.20")
    stranger = from_network(app.test_client(), "192.0.2.99")
    # The account now takes one attempt at a time: the stranger's uses this moment's ...
    assert log_in(stranger, "sun@example.org", "wrong password here").status_code == 401
    # ... and the organiser is asked to wait a few seconds, not locked out.
    slowed = log_in(organiser, "sun@example.org")
    assert slowed.status_code == 429
    assert 1 <= int(slowed.headers["Retry-After"]) <= 2
    assert "Please wait" in slowed.get_data(as_text=True)
    assert "sun@example.org" in slowed.get_data(as_text=True)  # what was typed is kept
    # Other accounts are not slowed, and an address without an account is slowed the same way.
    assert log_in(from_network(app.test_client(), "198.51.100.21"), "other@example.org").status_code == 303
    time.sleep(int(slowed.headers["Retry-After"]) + 0.2)
    assert log_in(organiser, "sun@example.org").status_code == 303
    assert organiser.get("/en/organisers/").status_code == 200
    assert [details["email"] for *_rest, details in audit_actions(app, "login_slowed")] == ["sun@example.org"]


def test_an_address_without_an_account_is_slowed_like_one_with_an_account(make_app):
    app = make_app(LOGIN_RATE_LIMIT="100 per minute", LOGIN_ACCOUNT_FAILURES="2 per 15 minutes",
                   LOGIN_SLOWED_ATTEMPTS="1 per 10 seconds")
    add_user(app, "sun@example.org")
    answers = {}
    for address in ("sun@example.org", "ghost@example.org"):
        statuses = [log_in(from_network(app.test_client(), f"192.0.2.{n}"), address, "wrong password here")
                    for n in range(1, 5)]
        answers[address] = [(response.status_code, response.headers.get("Retry-After")) for response in statuses]
    assert answers["sun@example.org"] == answers["ghost@example.org"] == [
        (401, None), (401, None), (401, None), (429, "10")]


def test_login_failed_never_stores_what_may_be_a_password(app, admin):
    client = app.test_client()
    log_in(client, PASSWORD, "admin@example.org")  # the two boxes swapped
    log_in(client, "hunter2 my Secret", "x")
    log_in(client, "admin@example.org", "wrong password here")
    log_in(client, "nobody@example.org", "wrong password here")
    failed = audit_actions(app, "login_failed")
    assert PASSWORD not in json.dumps(failed) and "hunter2" not in json.dumps(failed)
    assert [(user, details["email"]) for _a, user, _c, details in failed] == [
        (None, None), (None, None), (admin, "admin@example.org"), (None, "nobody@example.org")]


@pytest.mark.parametrize("next_value", ["/en/organisers/\n", "/en/organisers/xi/\r\n", "/en/organisers/\n\n",
                                        "/en/organisers/xi/\nLocation: https://evil.example/"])
def test_a_next_value_with_a_line_break_is_ignored_not_a_500(app, admin, next_value):
    client = app.test_client()
    url = f"{LOGIN}?next={quote(next_value)}"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "email": "admin@example.org",
                                      "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/organisers/")
    signed_in_again = client.get(url)  # signed in already: straight on, same rule
    assert signed_in_again.status_code == 303 and signed_in_again.headers["Location"].endswith("/en/organisers/")


def test_login_posts_are_rate_limited_per_address(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = csrf_token(client, LOGIN)
    answers = [client.post(LOGIN, data={"csrf_token": token, "email": f"a{n}@example.org", "password": "x"}).status_code
               for n in range(4)]
    assert answers == [401, 401, 401, 429]


def test_disabled_account_is_refused_like_a_wrong_password(app, runner):
    add_user(app, "gone@example.org")
    client = app.test_client()
    assert log_in(client, "gone@example.org").status_code == 303
    assert client.get("/en/organisers/").status_code == 200
    assert runner.invoke(args=["users", "disable", "gone@example.org"]).exit_code == 0
    # The open session ends at once, and signing in again is refused with the usual answer.
    assert client.get("/en/organisers/").status_code == 303
    refused = log_in(app.test_client(), "gone@example.org")
    assert refused.status_code == 401 and "do not match an account" in refused.get_data(as_text=True)


def test_new_password_ends_open_sessions(app, runner):
    add_user(app, "moved@example.org")
    client = app.test_client()
    log_in(client, "moved@example.org")
    assert client.get("/en/organisers/").status_code == 200
    result = runner.invoke(args=["users", "set-password", "moved@example.org"],
                           input="another long password\nanother long password\n")
    assert result.exit_code == 0, result.output
    assert client.get("/en/organisers/").status_code == 303


ORGANISER_GETS = ["/en/organisers/", "/en/organisers/xi/", "/ko/organisers/congress/", "/en/organisers/unhcr/"]
ORGANISER_POSTS = [("/en/organisers/xi/state", {"action": "close"}),
                   ("/en/organisers/xi/settings", {"goal": "5"})]
PUBLIC_ORGANISER_ENDPOINTS = {"organisers.login", "organisers.login_submit", "organisers.logout"}


def every_organiser_url(app, campaign="xi", lang="en"):
    """(method, url) of every organiser route but sign-in and sign-out, read from the app's URL map,
    so a route added later is covered by the access tests without being listed."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("organisers.") and rule.endpoint not in PUBLIC_ORGANISER_ENDPOINTS:
                values = {"lang": lang, "campaign": campaign, "signature_id": 1, "filename": "summary.pdf",
                          "media_id": 1, "organisation_id": 1, "decision": "approve", "batch_id": 1, "update_id": 1,
                          "delivery_id": 1}
                url = url_for(rule.endpoint, **{key: values[key] for key in rule.arguments})
                urls.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    assert len(urls) >= 12
    return urls


def test_every_organiser_url_needs_sign_in_and_the_campaign(app):
    """Anonymous visitors are sent to sign in; an organiser of another campaign is refused; nothing changes."""
    add_user(app, "congress@example.org", campaigns=["congress"])
    anonymous, other = app.test_client(), app.test_client()
    log_in(other, "congress@example.org")
    token_anonymous, token_other = csrf_token(anonymous, LOGIN), csrf_token(other, "/en/organisers/")
    for method, url in every_organiser_url(app):
        if method == "GET":
            response = anonymous.get(url)
        else:
            response = anonymous.post(url, data={"csrf_token": token_anonymous})
        assert response.status_code == 303 and "/organisers/login" in response.headers["Location"], url
        if url == "/en/organisers/":
            continue
        refused = other.get(url) if method == "GET" else other.post(url, data={"csrf_token": token_other})
        assert refused.status_code == 403, (method, url)
    assert [action for action, *_rest in audit_actions(app)] == ["login"]


def test_anonymous_visitors_are_sent_to_login_from_every_organiser_url(app, client):
    for url in ORGANISER_GETS:
        response = client.get(url)
        assert response.status_code == 303 and "/organisers/login" in response.headers["Location"], url
    token = csrf_token(client, LOGIN)
    for url, data in ORGANISER_POSTS:
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code == 303 and "/organisers/login" in response.headers["Location"], url
    assert audit_actions(app) == []


def test_organiser_of_another_campaign_is_refused(app):
    add_user(app, "congress@example.org", campaigns=["congress"])
    client = app.test_client()
    log_in(client, "congress@example.org")
    home = client.get("/en/organisers/").get_data(as_text=True)
    assert "/en/organisers/congress/" in home and "/en/organisers/xi/" not in home
    assert client.get("/en/organisers/congress/").status_code == 200
    for url in ("/en/organisers/xi/", "/en/organisers/unhcr/"):
        assert client.get(url).status_code == 403, url
    token = csrf_token(client, "/en/organisers/")
    for url, data in ORGANISER_POSTS:
        assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    assert client.get("/en/xi/count.json").get_json()["closed"] is False
    assert client.get("/en/organisers/nope/").status_code == 404


def test_posts_need_a_csrf_token(app, admin):
    client = app.test_client()
    assert client.post(LOGIN, data={"email": "admin@example.org", "password": PASSWORD}).status_code == 400
    assert client.get("/en/organisers/").status_code == 303  # not signed in
    log_in(client, "admin@example.org")
    for url, data in [*ORGANISER_POSTS, ("/en/organisers/logout", {})]:
        assert client.post(url, data=data).status_code == 400, url
    assert client.get("/en/xi/count.json").get_json()["closed"] is False
    assert client.get("/en/organisers/").status_code == 200


def client_page(app, url):
    client = app.test_client()
    log_in(client, "admin@example.org")
    return client.get(url).get_data(as_text=True)


def test_dashboard_figures(app, admin):
    public = app.test_client()
    sign(public, "unhcr", "en", email="a@example.org", country="KR")
    sign(public, "unhcr", "ko", email="b@example.org", country="KR")
    sign(public, "unhcr", "zh-Hant", email="c@example.org", country="TW")
    sign(public, "congress", "en")
    sign(public, "congress", "en", first_name="Ann", zip_code="99501", state="AK", city="Anchorage")
    sign(public, "xi", "en", email="waiting@example.org")
    xi_waiting = client_page(app, "/en/organisers/xi/")
    assert "0 signatures in total." in xi_waiting
    assert "1 more signature is waiting for its email address to be confirmed." in xi_waiting
    sign(public, "xi", "en")
    confirm_pending(app)
    client = app.test_client()
    log_in(client, "admin@example.org")

    unhcr = client.get("/en/organisers/unhcr/").get_data(as_text=True)
    assert "3 signatures in total." in unhcr
    assert "South Korea" in unhcr and "Taiwan" in unhcr
    assert '<td translate="no">South Korea</td><td>2</td>' in unhcr
    assert '<td translate="no">Taiwan</td><td>1</td>' in unhcr
    for language in ("English", "Korean", "Chinese (Traditional)"):
        assert f'<td translate="no">{language}</td><td>1</td>' in unhcr, language
    today = datetime.now(timezone.utc).date()  # the chart's days are UTC days
    assert f"{today.strftime('%B')} {today.day}, {today.year}: 3 signatures" in unhcr
    assert unhcr.count('class="bar"') == 30 and "<script" not in unhcr and "style=" not in unhcr

    congress = client.get("/en/organisers/congress/").get_data(as_text=True)
    assert "2 signatures in total." in congress
    assert '<td translate="no">Alaska</td><td>1</td>' in congress and '<td translate="no">California</td><td>1</td>' in congress
    assert '<td translate="no">AK-00</td><td>1</td>' in congress
    xi = client.get("/en/organisers/xi/").get_data(as_text=True)
    assert "2 signatures in total." in xi and "waiting for" not in xi


def test_close_open_goal_and_deadline_reach_the_public_page_and_the_audit_log(app, admin):
    client = app.test_client()
    log_in(client, "admin@example.org")
    dashboard = "/en/organisers/unhcr/"
    token = csrf_token(client, dashboard)

    assert client.post("/en/organisers/unhcr/state", data={"csrf_token": token, "action": "close"}).status_code == 303
    assert app.test_client().get("/en/unhcr/count.json").get_json()["closed"] is True
    signer = app.test_client()
    refused = signer.post("/en/unhcr/", data={**VALID_SIGNERS["unhcr"], "email": "late@example.org",
                                               "csrf_token": csrf_token(signer, "/en/xi/")})
    assert refused.status_code == 403
    assert "This campaign is closed." in client.get(dashboard).get_data(as_text=True)

    assert client.post("/en/organisers/unhcr/state", data={"csrf_token": token, "action": "open"}).status_code == 303
    assert app.test_client().get("/en/unhcr/count.json").get_json()["closed"] is False
    assert sign(app.test_client(), "unhcr", email="late@example.org").status_code == 303

    deadline = date.today() + timedelta(days=10)
    response = client.post("/en/organisers/unhcr/settings",
                           data={"csrf_token": token, "goal": "2500", "deadline": deadline.isoformat()})
    assert response.status_code == 303
    state = app.test_client().get("/en/unhcr/count.json").get_json()
    assert (state["goal"], state["deadline"]) == (2500, deadline.isoformat())
    assert "10 days left." in client.get(dashboard).get_data(as_text=True)

    bad = client.post("/en/organisers/unhcr/settings", data={"csrf_token": token, "goal": "0"})
    assert bad.status_code == 400 and "Please enter a goal" in bad.get_data(as_text=True)

    changes = [(action, user, campaign, details) for action, user, campaign, details in audit_actions(app)
               if action.startswith("campaign_")]
    assert changes == [
        ("campaign_close", admin, "unhcr", {}),
        ("campaign_open", admin, "unhcr", {}),
        ("campaign_goal", admin, "unhcr", {"before": 1000, "after": 2500}),
        ("campaign_deadline", admin, "unhcr", {"before": None, "after": deadline.isoformat()}),
    ]


def test_grant_and_revoke_a_campaign_from_the_command_line(app, runner):
    add_user(app, "helper@example.org")
    client = app.test_client()
    log_in(client, "helper@example.org")
    assert client.get("/en/organisers/xi/").status_code == 403
    assert runner.invoke(args=["users", "grant", "helper@example.org", "xi"]).exit_code == 0
    assert runner.invoke(args=["users", "grant", "helper@example.org", "xi"]).exit_code == 0  # idempotent
    assert client.get("/en/organisers/xi/").status_code == 200
    assert runner.invoke(args=["users", "grant", "helper@example.org", "nope"]).exit_code != 0
    assert runner.invoke(args=["users", "grant", "nobody@example.org", "xi"]).exit_code != 0
    assert runner.invoke(args=["users", "revoke", "helper@example.org", "xi"]).exit_code == 0
    assert client.get("/en/organisers/xi/").status_code == 403


def test_sign_in_returns_to_the_page_asked_for_and_never_elsewhere(app, admin):
    client = app.test_client()
    asked = client.get("/ko/organisers/xi/signatures/?page=2")
    assert asked.status_code == 303
    login_url = asked.headers["Location"]
    assert "next=" in login_url
    form_page = client.get(login_url).get_data(as_text=True)
    action = re.search(r'<form method="post" action="([^"]+)"', form_page).group(1).replace("&amp;", "&")
    response = client.post(action, data={"csrf_token": csrf_token(client, login_url), "email": "admin@example.org",
                                         "password": PASSWORD})
    assert response.headers["Location"].endswith("/ko/organisers/xi/signatures/?page=2")
    for elsewhere in ("https://evil.example/", "//evil.example/organisers/", "/en/xi/", "/en/organisers/\\evil"):
        other = app.test_client()
        url = f"{LOGIN}?next={elsewhere}"
        response = other.post(url, data={"csrf_token": csrf_token(other, LOGIN), "email": "admin@example.org",
                                         "password": PASSWORD})
        assert response.headers["Location"].endswith("/en/organisers/"), elsewhere


def campaign_changes(app):
    return [(action, details) for action, _user, _campaign, details in audit_actions(app)
            if action.startswith("campaign_")]


def test_closing_goes_through_a_confirmation_page_that_shows_what_signers_will_see(app, admin):
    assert sign(app.test_client(), "unhcr", email="counted@example.org").status_code == 303
    confirm_pending(app)
    assert sign(app.test_client(), "unhcr", email="waiting@example.org").status_code == 303  # not confirmed
    client = app.test_client()
    log_in(client, "admin@example.org")
    dashboard = client.get("/en/organisers/unhcr/").get_data(as_text=True)
    # The dashboard has no button that closes at once: a link leads to the confirmation page.
    assert 'name="action" value="close"' not in dashboard
    assert re.search(r'<a class="button[^"]*" href="/en/organisers/unhcr/state">Close the campaign</a>', dashboard)

    page = client.get("/en/organisers/unhcr/state")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<div class="warning"' in html and "Nobody will be able to sign it" in html
    # What signers will see, as they will see it: the closed notice and the final count.
    preview = html.split('class="signer-view"')[1]
    assert "This petition is closed and no longer accepts signatures. Thank you to everyone who signed." in preview
    assert "Final count: 1 signature" in preview
    assert "1 signature is still waiting for its email address to be confirmed" in html
    assert re.search(r'<a [^>]*href="/en/organisers/unhcr/"[^>]*>Cancel</a>', html)
    form = re.search(r'<form method="post" action="/en/organisers/unhcr/state"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert 'name="action" value="close"' in form and 'name="csrf_token"' in form
    # Looking at the page changes nothing.
    assert app.test_client().get("/en/unhcr/count.json").get_json()["closed"] is False
    assert campaign_changes(app) == []

    token = csrf_token(client, "/en/organisers/unhcr/state")
    closed = client.post("/en/organisers/unhcr/state", data={"csrf_token": token, "action": "close"})
    assert closed.status_code == 303 and closed.headers["Location"].endswith("/en/organisers/unhcr/")
    assert app.test_client().get("/en/unhcr/count.json").get_json()["closed"] is True
    assert "This campaign is closed." in client.get("/en/organisers/unhcr/").get_data(as_text=True)

    # Opening again goes through the same page, which says what changes for signers.
    dashboard = client.get("/en/organisers/unhcr/").get_data(as_text=True)
    assert 'name="action" value="open"' not in dashboard
    assert re.search(r'<a class="button[^"]*" href="/en/organisers/unhcr/state">Open the campaign</a>', dashboard)
    html = client.get("/en/organisers/unhcr/state").get_data(as_text=True)
    assert "Its page will accept signatures again" in html
    form = re.search(r'<form method="post" action="/en/organisers/unhcr/state"[^>]*>(.*?)</form>', html, re.S).group(1)
    assert 'name="action" value="open"' in form
    assert client.post("/en/organisers/unhcr/state", data={"csrf_token": token, "action": "open"}).status_code == 303
    assert app.test_client().get("/en/unhcr/count.json").get_json()["closed"] is False
    assert campaign_changes(app) == [("campaign_close", {}), ("campaign_open", {})]


def test_the_confirmation_page_is_localized(app, admin):
    client = app.test_client()
    log_in(client, "admin@example.org", lang="ko")
    html = client.get("/ko/organisers/xi/state").get_data(as_text=True)
    assert '<html lang="ko">' in html
    for english in ("Nobody will be able to sign it", "Cancel", "Signers will see"):
        assert english not in html, english


def test_closing_before_the_last_day_shows_signers_no_wrong_date(app, admin):
    client = app.test_client()
    log_in(client, "admin@example.org")
    token = csrf_token(client, "/en/organisers/unhcr/")
    later = date.today() + timedelta(days=30)
    assert client.post("/en/organisers/unhcr/settings", data={"csrf_token": token, "goal": "1000",
                                                              "deadline": later.isoformat()}).status_code == 303
    html = client.get("/en/organisers/unhcr/state").get_data(as_text=True)
    assert "The campaign would otherwise stay open until" in html
    preview = html.split('class="signer-view"')[1]
    assert "This petition is closed." in preview and "closed after" not in preview
    assert client.post("/en/organisers/unhcr/state", data={"csrf_token": token, "action": "close"}).status_code == 303
    public = app.test_client().get("/en/unhcr/").get_data(as_text=True)
    assert "This petition is closed." in public and "closed after" not in public


def test_a_campaign_past_its_last_day_is_opened_again_by_changing_the_day(app, admin):
    client = app.test_client()
    log_in(client, "admin@example.org")
    token = csrf_token(client, "/en/organisers/unhcr/")
    past = date.today() - timedelta(days=5)
    assert client.post("/en/organisers/unhcr/settings", data={"csrf_token": token, "goal": "1000",
                                                              "deadline": past.isoformat()}).status_code == 303
    dashboard = client.get("/en/organisers/unhcr/").get_data(as_text=True)
    assert "This campaign is closed." in dashboard
    # An "Open" button would do nothing here: the dashboard says what does.
    assert 'href="/en/organisers/unhcr/state"' not in dashboard
    assert "To open it again, set a later last day" in dashboard
    page = client.get("/en/organisers/unhcr/state").get_data(as_text=True)
    assert "To open it again, set a later last day" in page and 'name="action"' not in page


def test_navigation_marks_the_current_page_and_sign_out_is_a_button(app, admin):
    client = app.test_client()
    log_in(client, "admin@example.org")
    for url, current in (("/en/organisers/congress/", "/en/organisers/congress/"),
                         ("/en/organisers/congress/paper", "/en/organisers/congress/paper"),
                         ("/en/organisers/congress/signatures/", "/en/organisers/congress/signatures/"),
                         ("/en/organisers/congress/packets/", "/en/organisers/congress/packets/")):
        html = client.get(url).get_data(as_text=True)
        nav = re.search(r'<nav class="organiser-nav".*?</nav>', html, re.S).group(0)
        assert re.findall(r'<a href="([^"]+)" aria-current="page">', nav) == [current], url
        assert nav.count("aria-current") == 1, url
        assert re.search(r'<button class="button[^"]*" type="submit">Sign out</button>', html), url
    # A page inside a section (the confirmation of closing) marks its section, not itself.
    nav = re.search(r'<nav class="organiser-nav".*?</nav>', client.get("/en/organisers/congress/state")
                    .get_data(as_text=True), re.S).group(0)
    assert re.findall(r'<a href="([^"]+)" aria-current="true">', nav) == ["/en/organisers/congress/"]


def test_the_charts_axis_has_dates(app, admin):
    today = datetime.now(timezone.utc).date()
    english = client_page(app, "/en/organisers/unhcr/")
    chart = re.search(r'<svg class="day-chart".*?</svg>', english, re.S).group(0)
    labels = re.findall(r'<text class="axis-date"[^>]*>([^<]+)</text>', chart)
    assert labels[-1] == f"{today.strftime('%b')} {today.day}"
    assert len(labels) == 5  # today and every seventh day before it
    korean = client_page(app, "/ko/organisers/unhcr/")
    labels = re.findall(r'<text class="axis-date"[^>]*>([^<]+)</text>', korean)
    assert labels[-1] == f"{today.month}월 {today.day}일"
