"""Erasure reaches everyone (issue 14, item 7): `flask privacy erase` finds a person by email, by
signature reference (or the link in their email), or by name + ZIP for `congress`, reports every
campaign it touched, and `privacy erase|anonymise` are audited without keeping what they erase."""
import json
import re

from sqlalchemy import select

from campaign.extensions import db
from campaign.models import AuditEntry, OutboxMessage, Signature
from conftest import VALID_SIGNERS, sign
from email_support import SITE_URL, mail_app, mailbox  # noqa: F401

CONGRESS = VALID_SIGNERS["congress"]


def signatures(app, **where):
    with app.app_context():
        query = select(Signature).order_by(Signature.id)
        for name, value in where.items():
            query = query.where(getattr(Signature, name) == value)
        rows = db.session.execute(query).scalars().all()
        db.session.expunge_all()
        return rows


def audited(app, action):
    with app.app_context():
        return [(entry.user_id, entry.campaign, json.loads(entry.details)) for entry in db.session.execute(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]


def test_a_congress_signer_without_follow_up_is_found_by_name_and_zip(app, client, runner):
    """The attack on a promise: this signer typed an email but did not tick the follow-up box, so
    no email is stored and `erase EMAIL` found nothing: they could not be forgotten."""
    assert sign(client, "congress", email="young.park@example.org", follow_up=None).status_code == 303
    assert sign(client, "congress", first_name="Other", last_name="Person").status_code == 303
    by_email = runner.invoke(args=["privacy", "erase", "young.park@example.org"])
    assert by_email.exit_code == 0
    assert "no signature or email found" in by_email.output and "--name" in by_email.output  # the way to find them

    # As the person wrote to us: other case, spacing and the ZIP+4.
    result = runner.invoke(args=["privacy", "erase", "--name", " young ", "PARK", "--zip", "92833-4411"])
    assert result.exit_code == 0, result.output
    assert "congress: signature" in result.output and "stays in the count as an anonymous row" in result.output
    assert "campaigns touched: congress" in result.output
    erased = signatures(app, status="erased")
    assert len(erased) == 1 and erased[0].first_name == "" and erased[0].postal_code is None
    assert [s.first_name for s in signatures(app, status="counted")] == ["Other"]


def test_name_and_zip_finds_nobody_else(app, client, runner):
    sign(client, "congress")
    for args in (["--name", "Young", "Parks", "--zip", "92833"], ["--name", "Young", "Park", "--zip", "92834"]):
        result = runner.invoke(args=["privacy", "erase", *args])
        assert result.exit_code == 0 and "no signature" in result.output
    assert len(signatures(app, status="counted")) == 1


def test_a_signature_is_found_by_its_reference_or_the_link_in_its_email(mail_app, runner):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi")
    sign(client, "unhcr", email="other@example.org")
    [xi] = signatures(app, campaign="xi")
    assert xi.reference and str(xi.id) != xi.reference
    result = app.test_cli_runner().invoke(args=["privacy", "erase", "--reference", xi.reference])
    assert result.exit_code == 0, result.output
    assert "xi: signature" in result.output and "campaigns touched: xi" in result.output
    assert signatures(app, campaign="xi") == []  # pending: deleted outright

    # The signer quotes the link of their email (all they can see of a reference).
    sign(client, "xi", email="again@example.org")
    with app.app_context():
        body = db.session.execute(select(OutboxMessage.body_text).where(
            OutboxMessage.to_address == "again@example.org")).scalar_one()
    link = re.search(re.escape(SITE_URL) + r"/\S+/confirm/\S+", body).group(0)
    result = app.test_cli_runner().invoke(args=["privacy", "erase", "--reference", link])
    assert result.exit_code == 0 and "campaigns touched: xi" in result.output, result.output
    assert signatures(app, campaign="xi") == []
    assert len(signatures(app, campaign="unhcr")) == 1  # someone else's signature stays


def test_an_unknown_or_forged_reference_finds_nothing(mail_app):
    app = mail_app()
    sign(app.test_client(), "xi")
    for reference in ("nope", f"{SITE_URL}/en/xi/confirm/forged.token.here", "1"):
        result = app.test_cli_runner().invoke(args=["privacy", "erase", "--reference", reference])
        assert result.exit_code == 0 and "no signature" in result.output, (reference, result.output)
    assert len(signatures(app)) == 1


def test_one_request_reaches_every_campaign_and_says_which(app, client, runner):
    sign(client, "xi", email="minji@example.org")
    sign(client, "unhcr", email="MINJI@example.org")
    sign(client, "congress", first_name="Minji", last_name="Kim", email="")
    sign(client, "unhcr", email="someone@example.org")
    result = runner.invoke(args=["privacy", "erase", "minji@example.org", "--name", "Minji", "Kim", "--zip", "92833"])
    assert result.exit_code == 0, result.output
    assert "campaigns touched: congress, unhcr, xi" in result.output
    remaining = [s for s in signatures(app) if s.first_name]
    assert [s.email for s in remaining] == ["someone@example.org"]


def test_erase_needs_someone_to_look_for(runner):
    for args in ([], ["--name", "Young", "Park"], ["--zip", "92833"]):
        result = runner.invoke(args=["privacy", "erase", *args])
        assert result.exit_code != 0
        assert "EMAIL" in result.output or "--zip" in result.output or "--name" in result.output


def test_erase_and_anonymise_are_audited_without_what_they_erase(app, client, runner, monkeypatch):
    monkeypatch.setattr("getpass.getuser", lambda: "ops-lee")
    sign(client, "unhcr", email="minji@example.org")
    sign(client, "congress", first_name="Minji", last_name="Kim")
    reference = signatures(app, campaign="unhcr")[0].reference
    assert runner.invoke(args=["privacy", "erase", "--dry-run", "minji@example.org"]).exit_code == 0
    assert runner.invoke(args=["privacy", "erase", "minji@example.org", "--name", "Minji", "Kim",
                               "--zip", "92833"]).exit_code == 0
    assert runner.invoke(args=["privacy", "anonymise"]).exit_code == 0
    erasures = audited(app, "privacy_erase")
    assert [(user, details["actor"], details["via"], details["dry_run"]) for user, _c, details in erasures] == \
        [(None, "ops-lee", "command line", True), (None, "ops-lee", "command line", False)]
    assert erasures[1][2]["campaigns"] == ["congress", "unhcr"] and erasures[1][2]["by"] == ["email", "name+zip"]
    text = json.dumps(erasures)
    for secret in ("minji", "Kim", "92833", reference):
        assert secret.lower() not in text.lower(), secret
    [(user, campaign, details)] = audited(app, "privacy_anonymise")
    assert (user, details["actor"], details["dry_run"], details["campaigns"]) == (None, "ops-lee", False, [])
