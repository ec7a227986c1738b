"""`flask privacy erase` leaves no trace of a person but the count; `flask privacy anonymise`
strips emails and street addresses from campaigns closed long enough ago."""
import re
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select, text

from campaign.extensions import db
from campaign.models import CampaignSettings, Consent, OutboxMessage, Signature, utcnow
from campaign.petitions.identity import identity_key
from conftest import TABLES, VALID_SIGNERS, older_street_address, sign
from email_support import bodies, link_path, mail_app, mailbox, press_button, send_outbox  # noqa: F401

EMAIL = "mei.chen@example.org"
OTHER = "someone.else@example.org"


def everything(app):
    """Every row of every table, as text: where a trace would be."""
    with app.app_context():
        dump = []
        for table in TABLES:
            for row in db.session.execute(text(f"SELECT * FROM {table}")).all():
                dump.append(" | ".join(str(value) for value in row))
        return "\n".join(dump)


def aggregates(app):
    with app.app_context():
        rows = db.session.execute(select(Signature.campaign, Signature.country, Signature.region, Signature.district)
                                  .where(Signature.status != "pending")).all()
        return Counter(tuple(row) for row in rows)


def test_erase_leaves_no_trace_of_the_person_but_the_count(mail_app, mailbox, count):
    app = mail_app()
    client = app.test_client()
    # The person signs three campaigns (typing their address differently), confirms xi, gets email.
    sign(client, "xi", "zh-Hant", first_name="美", last_name="陳", city="台北", region="台灣", country="TW",
         email=EMAIL, email_use="petition_updates")
    sign(client, "unhcr", email=EMAIL.upper(), first_name="Mei", last_name="Chen", updates="y")
    sign(client, "congress", first_name="Mei", last_name="Chen",
         city="Fullerton", state="CA", zip_code="92833", email=f" {EMAIL} ", follow_up="y")
    older_street_address(app, "Mei", "1600 Elm Street Apt 4")  # signed when the form still asked for it
    # Someone else, who must keep everything.
    sign(client, "xi", email=OTHER, first_name="Other", last_name="Person", email_use="petition_updates")
    send_outbox(app)
    for address in (EMAIL, EMAIL.upper().replace("EXAMPLE.ORG", "example.org"), OTHER):
        for confirmation in [m for m in mailbox.to(address) if "/confirm/" in bodies(m)[0]]:
            press_button(client, link_path(bodies(confirmation)[0], "/confirm/"))
    app.test_cli_runner().invoke(args=["mail", "update", "xi", "delivered"])  # news queued, not yet sent
    counts = {slug: count(slug) for slug in ("xi", "unhcr", "congress")}
    assert counts == {"xi": 2, "unhcr": 1, "congress": 1}
    before = aggregates(app)
    with app.app_context():
        keys = set(db.session.execute(select(Signature.identity_key).where(
            Signature.first_name.in_(("美", "Mei")))).scalars())

    result = app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL.title()])
    assert result.exit_code == 0, result.output
    assert result.output.count("stays in the count as an anonymous row") == 3
    assert "removed name, email, city" in result.output and "street address" in result.output

    dump = everything(app)
    for trace in (EMAIL, "美", "陳", "台北", "Fullerton", "Elm Street", "92833", *keys):
        assert trace.lower() not in dump.lower(), trace
    # The names as words (not inside a random token of someone else's email).
    assert not re.search(r"(?<![\w-])(mei|chen)(?![\w-])", dump, re.IGNORECASE)
    assert {slug: count(slug) for slug in counts} == counts  # the count stays
    assert aggregates(app) == before  # and so does every aggregate by country, state, district
    with app.app_context():
        erased = db.session.execute(select(Signature).where(Signature.status == "erased")).scalars().all()
        assert sorted(s.campaign for s in erased) == ["congress", "unhcr", "xi"]
        assert all(s.created_at.hour == s.created_at.minute == 0 for s in erased)  # cut to the day
        # The other signer is untouched, and their news is still on its way.
        other = db.session.execute(select(Signature).where(Signature.email == OTHER)).scalar_one()
        assert (other.first_name, other.status) == ("Other", "counted")
        assert set(db.session.execute(select(OutboxMessage.to_address).where(
            OutboxMessage.status == "pending")).scalars()) == {OTHER}
    send_outbox(app)
    assert not [m for m in mailbox.to(EMAIL) if "delivered" in m["Subject"].lower()]
    # Erasing again finds nothing.
    assert "no signature or email found" in app.test_cli_runner().invoke(args=["privacy", "erase", EMAIL]).output


def test_erasing_an_unconfirmed_signature_deletes_it_and_its_link(mail_app, mailbox, count, rows):
    app = mail_app()
    client = app.test_client()
    sign(client, "xi")
    send_outbox(app)
    path = link_path(bodies(mailbox.to(VALID_SIGNERS["xi"]["email"])[0])[0], "/confirm/")
    result = app.test_cli_runner().invoke(args=["privacy", "erase", VALID_SIGNERS["xi"]["email"]])
    assert "was not confirmed (never counted): deleted" in result.output
    assert rows() == 0 and count("xi") == 0
    # Nothing is left but the audit row of the erasure, which names no one.
    assert [line.split(" | ")[3] for line in everything(app).splitlines()] == ["privacy_erase"]
    assert client.get(path).status_code == 404  # the link in their inbox no longer does anything


def test_erase_dry_run_changes_nothing(mail_app, rows):
    app = mail_app()
    sign(app.test_client(), "unhcr")
    result = app.test_cli_runner().invoke(args=["privacy", "erase", "--dry-run", VALID_SIGNERS["unhcr"]["email"]])
    assert result.output.startswith("would be: ")
    with app.app_context():
        assert db.session.execute(select(Signature.email)).scalar_one() == VALID_SIGNERS["unhcr"]["email"]


def test_anonymise_after_the_configured_period_keeps_what_packets_need(mail_app, mailbox, count):
    open_app = mail_app()
    client = open_app.test_client()
    sign(client, "xi", email="confirmed@example.org")
    sign(client, "xi", email="pending@example.org")
    sign(client, "congress", email="young@example.org", follow_up="y")
    older_street_address(open_app, "Young", "100 Main Street")  # signed when the form still asked for it
    sign(client, "unhcr", email="jiwoo@example.org")
    send_outbox(open_app)
    for address in ("confirmed@example.org", "jiwoo@example.org"):
        press_button(client, link_path(bodies(mailbox.to(address)[0])[0], "/confirm/"))
    with open_app.app_context():
        # An organiser closed unhcr five days ago.
        db.session.add(CampaignSettings(campaign="unhcr", closed=True, closed_at=utcnow() - timedelta(days=5)))
        db.session.commit()

    # xi closed 40 days ago, unhcr 5 days ago; congress is open.
    deadline = (date.today() - timedelta(days=41)).isoformat()
    app = mail_app(XI_DEADLINE=deadline, ANONYMISE_AFTER_DAYS=30)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["privacy", "anonymise", "--dry-run"])
    assert "xi (closed" in dry.output and "1 signature(s) anonymised, 1 unconfirmed deleted" in dry.output
    result = runner.invoke(args=["privacy", "anonymise"])
    assert result.exit_code == 0, result.output
    assert "unhcr" not in result.output and "congress" not in result.output
    with app.app_context():
        by_campaign = {s.campaign: s for s in db.session.execute(select(Signature)).scalars()}
        xi = by_campaign["xi"]
        assert (xi.email, xi.email_key, xi.street_address, xi.postal_code) == (None, None, None, None)
        assert "@" not in xi.identity_key and xi.anonymised_at is not None
        # What the delivered packet shows stays (xi asks for no state or province: issue 19).
        assert (xi.first_name, xi.last_name, xi.city, xi.region, xi.country) == (
            "Mei", "Chen", "Toronto", None, "CA")
        assert db.session.execute(select(Signature).where(Signature.email == "pending@example.org")).first() is None
        assert db.session.execute(select(OutboxMessage).where(OutboxMessage.campaign == "xi")).first() is None
        # Open, or closed too recently: untouched.
        assert by_campaign["congress"].street_address == "100 Main Street"
        assert by_campaign["unhcr"].email == "jiwoo@example.org"
    assert count("xi") == 1
    again = runner.invoke(args=["privacy", "anonymise"])
    assert "0 signature(s) anonymised, 0 unconfirmed deleted" in again.output  # idempotent, cron-safe

    later = mail_app(XI_DEADLINE=deadline, ANONYMISE_AFTER_DAYS=3).test_cli_runner()
    assert "unhcr (closed" in later.invoke(args=["privacy", "anonymise"]).output
    with app.app_context():
        unhcr = db.session.execute(select(Signature).where(Signature.campaign == "unhcr")).scalar_one()
        assert (unhcr.email, unhcr.first_name, unhcr.country) == (None, "Ji-woo", "KR")


def test_old_sent_emails_are_deleted_after_retention(mail_app, mailbox):
    app = mail_app(OUTBOX_RETENTION_DAYS=30)
    sign(app.test_client(), "unhcr", updates="y")
    send_outbox(app)
    with app.app_context():
        db.session.execute(OutboxMessage.__table__.update().values(created_at=utcnow() - timedelta(days=31)))
        db.session.commit()
    output = app.test_cli_runner().invoke(args=["privacy", "anonymise"]).output
    assert "1 sent or dead email(s) older than 30 days deleted" in output
    with app.app_context():
        assert db.session.query(OutboxMessage).count() == 0
        # Consent answers (the updates box, delivery with or without the name) stay with the signature.
        assert db.session.query(Consent).count() == 2


def test_migration_0002_keeps_old_signatures_counted_and_findable(tmp_path):
    """Upgrading a database signed before email existed: old rows count, and erasure finds them."""
    from flask_migrate import upgrade

    from campaign import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}", "TESTING": True})
    with app.app_context():
        upgrade(revision="0001")
        db.session.execute(text(
            "INSERT INTO signature (campaign, identity_key, first_name, last_name, email, locale, source, created_at) "
            "VALUES ('unhcr', 'k', 'Ji-woo', 'Lee', ' JiWoo@Example.org', 'ko', 'web', :now)"),
            {"now": datetime(2026, 1, 2, tzinfo=timezone.utc)})
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT status, email_key FROM signature")).one()
        assert row.status == "counted" and row.email_key == identity_key("jiwoo@example.org")
        db.engine.dispose()
