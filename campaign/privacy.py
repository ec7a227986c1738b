"""Erasure on request and anonymisation after a campaign closes: `flask privacy erase|anonymise`.

**How the counts stay right.** A campaign's public count lives in its counter rows
(petitions/counting.py), which no erasure touches: erasing a person never lowers a count
they are part of. The aggregates the site keeps from signature rows — by campaign, country,
state or region, and congressional district — stay exact because an erased *counted*
signature is not deleted but reduced to an anonymous row: status "erased", campaign,
country, region (state), district and locale are kept; name, email, street address, city,
ZIP code, the identity key (a hash of the email or of name + ZIP, which anyone holding the
email could recompute), consent answers and every email queued or sent to them are removed,
and the time of signing is cut to the day. Such a row names no one and still adds one to
"signatures from CA-40". Deleting the row and keeping the counter was the other choice; it
keeps the count but makes every later aggregate by place disagree with it. A *pending*
signature (never confirmed) was never counted, so it is deleted outright; so is one an
organiser hid (moderation), which the count no longer includes. An organisation's contact
(coalition letters) is removed the same way: an approved organisation stays on the letter without
it, one never approved is deleted.

The price of forgetting someone: the site can no longer recognise them, so if they sign
again they count again. That is the right way round for a request to be forgotten.

**Anonymisation** (`flask privacy anonymise`, from cron): ANONYMISE_AFTER_DAYS after a campaign
closed (its deadline passed, or an organiser closed it), counted signatures lose email, street
address, ZIP code and identity key, keeping what a delivered packet shows (name, city, state,
district, country); pending ones are deleted; the campaign's queued and sent emails are
deleted. Sent and dead emails of every campaign are deleted after OUTBOX_RETENTION_DAYS.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import String, cast, delete, func, literal, or_, select, update

from .extensions import db
from .models import (ORGANISATION_APPROVED, SIGNATURE_COUNTED, SIGNATURE_ERASED, SIGNATURE_HIDDEN, SIGNATURE_PENDING,
                     SIGNATURES_NOT_IN_COUNT, CampaignSettings, Consent, Organisation, OutboxMessage, Signature,
                     utcnow)
from .petitions.counting import deadline_passed
from .petitions.identity import email_key


@dataclass
class Erased:
    campaign: str
    signature_id: int
    action: str  # "deleted" (pending, never counted) or "anonymised" (counted: the count keeps it)
    removed: list
    kept: dict
    consents: int
    emails: int


@dataclass
class ErasureReport:
    email_given: str
    signatures: list = field(default_factory=list)
    other_emails: int = 0
    # (campaign, organisation id, "deleted" or "contact removed") where the address was an
    # organisation's contact (coalition letters).
    organisations: list = field(default_factory=list)

    def lines(self):
        if not self.signatures and not self.other_emails and not self.organisations:
            return ["no signature or email found for that address"]
        lines = []
        for campaign, organisation_id, action in self.organisations:
            what = ("not approved: the organisation's signature was deleted" if action == "deleted"
                    else "the organisation stays a signatory; its contact person and email were removed")
            lines.append(f"{campaign}: organisation {organisation_id}: {what}")
        for item in self.signatures:
            if item.action == "deleted":
                lines.append(f"{item.campaign}: signature {item.signature_id} was not confirmed (never counted): "
                             f"deleted with {item.consents} consent answer(s) and {item.emails} email(s)")
            else:
                kept = ", ".join(f"{name} {value}" for name, value in item.kept.items() if value) or "nothing"
                lines.append(f"{item.campaign}: signature {item.signature_id} stays in the count as an anonymous "
                             f"row; removed {', '.join(item.removed) or 'nothing'}, {item.consents} consent "
                             f"answer(s) and {item.emails} email(s); kept {kept}")
        if self.other_emails:
            lines.append(f"{self.other_emails} other queued or sent email(s) to that address deleted")
        return lines


def _start_of_day(moment):
    return datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)


def erase(email):
    """Remove one person's personal data from every campaign (the caller commits)."""
    key = email_key(email.strip())
    report = ErasureReport(email_given=email)
    query = select(Signature).where(or_(Signature.email_key == key, Signature.identity_key == key)) \
        .order_by(Signature.id)
    if db.session.get_bind().dialect.name == "postgresql":
        # A confirmation arriving meanwhile waits, then finds nothing pending to count.
        query = query.with_for_update()
    for signature in db.session.execute(query).scalars().all():
        emails = db.session.execute(
            delete(OutboxMessage).where(OutboxMessage.signature_id == signature.id)).rowcount
        consents = db.session.execute(
            delete(Consent).where(Consent.signature_id == signature.id)).rowcount
        # Not in the count: erasing it deletes it outright.
        if signature.status in SIGNATURES_NOT_IN_COUNT:
            deleted = db.session.execute(
                delete(Signature).where(Signature.id == signature.id, Signature.status.in_(SIGNATURES_NOT_IN_COUNT))
            ).rowcount
            if deleted:
                db.session.expunge(signature)
                report.signatures.append(Erased(signature.campaign, signature.id, "deleted", [], {}, consents, emails))
                continue
            db.session.refresh(signature)  # confirmed meanwhile (SQLite): anonymise it instead
        report.signatures.append(_anonymise_counted(signature, consents, emails))
    report.other_emails = db.session.execute(
        delete(OutboxMessage).where(func.lower(OutboxMessage.to_address) == email.strip().lower())).rowcount
    _erase_organisation_contacts(email, report)
    db.session.flush()
    return report


def _erase_organisation_contacts(email, report):
    """An address that was an organisation's contact: an approved organisation stays on the letter
    (it signed as an organisation) without its contact; one never approved is deleted."""
    address = email.strip().casefold()
    rows = db.session.execute(select(Organisation).where(func.lower(Organisation.contact_email) == address)
                              .order_by(Organisation.id)).scalars().all()
    for row in rows:
        if row.status == ORGANISATION_APPROVED:
            row.contact_name = ""
            row.contact_email = ""
            report.organisations.append((row.campaign, row.id, "contact removed"))
        else:
            report.organisations.append((row.campaign, row.id, "deleted"))
            db.session.delete(row)


def _anonymise_counted(signature, consents, emails):
    fields = {"name": signature.first_name or signature.last_name, "email": signature.email,
              "street address": signature.street_address, "city": signature.city, "ZIP code": signature.postal_code}
    removed = [name for name, value in fields.items() if value]
    signature.first_name = ""
    signature.last_name = ""
    signature.email = None
    signature.email_key = None
    signature.street_address = None
    signature.city = None
    signature.postal_code = None
    signature.identity_key = f"erased:{signature.id}"
    signature.status = SIGNATURE_ERASED
    signature.created_at = _start_of_day(signature.created_at)
    signature.confirmed_at = None
    signature.confirmation_sent_at = None
    signature.anonymised_at = utcnow()
    kept = {"country": signature.country, "region": signature.region, "district": signature.district}
    return Erased(signature.campaign, signature.id, "anonymised", removed, kept, consents, emails)


def closed_since(definition, now=None):
    """When the campaign closed (earliest of: its deadline passed, an organiser closed it); None if open."""
    now = now or utcnow()
    settings = db.session.get(CampaignSettings, definition.slug)
    moments = []
    if settings and settings.closed:
        moments.append(settings.closed_at or settings.updated_at)
    deadline = settings.deadline if settings and settings.deadline else definition.deadline(current_app.config)
    if deadline and deadline_passed(deadline, definition.deadline_timezone, now):
        from zoneinfo import ZoneInfo

        moments.append(datetime.combine(deadline + timedelta(days=1), datetime.min.time(),
                                        ZoneInfo(definition.deadline_timezone)))
    return min(moments) if moments else None


@dataclass
class AnonymisedCampaign:
    campaign: str
    closed_since: datetime
    anonymised: int
    deleted_pending: int
    emails: int


def anonymise(now=None):
    """Anonymise every campaign closed more than ANONYMISE_AFTER_DAYS ago (the caller commits).

    Idempotent: rows already anonymised are left alone, so cron may run it daily.
    Returns (list of AnonymisedCampaign, number of old outbox messages deleted).
    """
    from .campaigns import definitions

    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["ANONYMISE_AFTER_DAYS"])
    done = []
    for definition in definitions():
        since = closed_since(definition, now)
        if since is None or since > cutoff:
            continue
        slug = definition.slug
        emails = db.session.execute(delete(OutboxMessage).where(OutboxMessage.campaign == slug)).rowcount
        deleted = db.session.execute(
            delete(Signature).where(Signature.campaign == slug, Signature.status == SIGNATURE_PENDING)).rowcount
        anonymised = db.session.execute(
            update(Signature)
            .where(Signature.campaign == slug, Signature.status.in_((SIGNATURE_COUNTED, SIGNATURE_HIDDEN)),
                   Signature.anonymised_at.is_(None))
            .values(email=None, email_key=None, street_address=None, postal_code=None,
                    identity_key=literal("anonymised:") + cast(Signature.id, String), anonymised_at=now)
        ).rowcount
        # Organisations (coalition letters): contacts go; those never approved go entirely.
        deleted += db.session.execute(
            delete(Organisation).where(Organisation.campaign == slug, Organisation.status != ORGANISATION_APPROVED)
        ).rowcount
        anonymised += db.session.execute(
            update(Organisation).where(Organisation.campaign == slug, Organisation.contact_email != "")
            .values(contact_name="", contact_email="")).rowcount
        done.append(AnonymisedCampaign(slug, since, anonymised, deleted, emails))
    retention = now - timedelta(days=current_app.config["OUTBOX_RETENTION_DAYS"])
    old = db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.status.in_(("sent", "dead", "unknown")),
                                    OutboxMessage.created_at < retention)).rowcount
    return done, old


privacy_cli = AppGroup("privacy", help="Erase a person's data; anonymise closed campaigns.")


@privacy_cli.command("erase")
@click.argument("email")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
def erase_command(email, dry_run):
    """Remove EMAIL's personal data from every campaign; counts and aggregates stay right."""
    report = erase(email)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    prefix = "would be: " if dry_run else ""
    for line in report.lines():
        click.echo(prefix + line)


@privacy_cli.command("anonymise")
@click.option("--dry-run", is_flag=True, help="Report what would be anonymised; change nothing.")
def anonymise_command(dry_run):
    """Strip emails and street addresses from campaigns closed over ANONYMISE_AFTER_DAYS ago."""
    done, old = anonymise()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    days = current_app.config["ANONYMISE_AFTER_DAYS"]
    for item in done:
        click.echo(f"{item.campaign} (closed {item.closed_since:%Y-%m-%d}, over {days} days ago): "
                   f"{item.anonymised} signature(s) anonymised, {item.deleted_pending} unconfirmed deleted, "
                   f"{item.emails} email(s) deleted")
    if not done:
        click.echo(f"no campaign closed more than {days} days ago")
    click.echo(f"{old} sent or dead email(s) older than {current_app.config['OUTBOX_RETENTION_DAYS']} days deleted")
