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

**Finding the person.** By email address (its key, so the address need not be typed as it was
signed); by signature reference, or the confirmation or unsubscribe link of their email, which
carries it (`--reference`); by name + ZIP code (`--name FIRST LAST --zip ZIP`), for `congress`
signers, whose email is kept only with consent to follow-up emails. One request may combine them;
the report names every campaign touched, and an audit row records who asked, how the person was
found and which campaigns were touched, never the address, name, ZIP or reference itself.

The price of forgetting someone: the site can no longer recognise them, so if they sign
again they count again. That is the right way round for a request to be forgotten.

**Anonymisation** (`flask privacy anonymise`, from cron): ANONYMISE_AFTER_DAYS after a campaign
closed (its deadline passed, or an organiser closed it), counted signatures lose email, street
address, ZIP code and identity key, keeping what a delivered packet shows (name, city, state,
district, country); pending ones are deleted; the campaign's queued and sent emails are
deleted. Sent and dead emails of every campaign are deleted after OUTBOX_RETENTION_DAYS.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import String, and_, cast, delete, func, literal, or_, select, update

from .audit import audit_command
from .delivery.jobs import discard_builds
from .extensions import db
from .mail.links import ExpiredLink, InvalidLink, find_signature, read_confirmation_token, read_unsubscribe_token
from .models import (ORGANISATION_APPROVED, SIGNATURE_COUNTED, SIGNATURE_ERASED, SIGNATURE_HIDDEN, SIGNATURE_PENDING,
                     SIGNATURES_NOT_IN_COUNT, CampaignSettings, Consent, Organisation, OutboxMessage, Signature,
                     SignatureCounter, utcnow)
from .petitions.counting import deadline_passed
from .petitions.identity import email_key, normalise


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
    asked_by: list  # how the person was looked for: "email", "reference", "name+zip"
    signatures: list = field(default_factory=list)
    other_emails: int = 0
    # (campaign, organisation id, "deleted" or "contact removed") where the address was an
    # organisation's contact (coalition letters).
    organisations: list = field(default_factory=list)
    # Campaigns of queued or sent emails deleted without a signature of theirs (other_emails).
    email_campaigns: set = field(default_factory=set)

    @property
    def campaigns(self):
        """Every campaign this erasure touched, sorted."""
        return sorted({item.campaign for item in self.signatures} | {item[0] for item in self.organisations}
                      | self.email_campaigns)

    def lines(self):
        lines = []
        if not self.signatures and not self.other_emails and not self.organisations:
            lines.append("no signature or email found for that address, reference or name and ZIP code")
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
        lines.append(f"campaigns touched: {', '.join(self.campaigns) or 'none'}")
        if "name+zip" not in self.asked_by:
            lines.append("note: congress keeps no email of signers who did not ask for follow-up emails; "
                         "to find them too, add --name FIRST LAST --zip ZIP")
        return lines


def _start_of_day(moment):
    return datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)


def erase(email=None, references=(), name_and_zip=None):
    """Remove one person's personal data from every campaign (the caller commits).

    The person is the union of: signatures with this email address (its key); signatures named
    by `references` (a reference, or a link from their email); signatures with this (first name,
    last name, ZIP code), compared as the count compares them (congress).
    """
    asked_by = [kind for kind, given in (("email", email), ("reference", references), ("name+zip", name_and_zip))
                if given]
    report = ErasureReport(asked_by=asked_by)
    ids = set()
    if email:
        from .campaigns import definitions

        key = email_key(email.strip())
        # The identity key is unique per campaign: naming the campaigns reads that index (0017)
        # instead of every signature. Every campaign that ever counted a signature has counter rows.
        slugs = {definition.slug for definition in definitions()}
        slugs.update(db.session.execute(select(SignatureCounter.campaign).distinct()).scalars())
        ids.update(db.session.execute(select(Signature.id).where(
            or_(Signature.email_key == key, and_(Signature.campaign.in_(sorted(slugs)), Signature.identity_key == key))
        )).scalars())
    for reference in references:
        signature = signature_by_reference(reference)
        if signature is not None:
            ids.add(signature.id)
    if name_and_zip:
        ids.update(signatures_by_name_and_zip(*name_and_zip))
    query = select(Signature).where(Signature.id.in_(ids)).order_by(Signature.id)
    if db.session.get_bind().dialect.name == "postgresql":
        # A confirmation arriving meanwhile waits, then finds nothing pending to count.
        query = query.with_for_update()
    for signature in db.session.execute(query).scalars().all() if ids else []:
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
    if email:
        to_address = func.lower(OutboxMessage.to_address) == email.strip().lower()
        report.email_campaigns = set(db.session.execute(select(OutboxMessage.campaign).where(to_address)).scalars())
        report.other_emails = db.session.execute(delete(OutboxMessage).where(to_address)).rowcount
        _erase_organisation_contacts(email, report)
    db.session.flush()
    return report


# A link from one of our emails: …/<campaign>/confirm/<token>[/new-link] or …/unsubscribe/<token>[/one-click].
EMAIL_LINK = re.compile(r"/(?P<campaign>[a-z0-9_-]+)/(?P<purpose>confirm|unsubscribe)/(?P<token>[A-Za-z0-9_.-]+)")


def signature_by_reference(text):
    """The signature named by a reference, or by the token in a link of its emails; None if none
    (unknown, forged, or already erased). An expired confirmation link still names its signature."""
    text = text.strip()
    link = EMAIL_LINK.search(text)
    if link is None:
        return db.session.execute(select(Signature).where(Signature.reference == text)).scalar_one_or_none()
    read = read_confirmation_token if link["purpose"] == "confirm" else read_unsubscribe_token
    try:
        reference = read(link["token"], link["campaign"])
    except ExpiredLink as expired:
        reference = expired.reference
    except InvalidLink:
        return None
    return find_signature(reference)


ZIP_CODE = re.compile(r"(\d{5})(-?\d{4})?")


def signatures_by_name_and_zip(first_name, last_name, zip_code):
    """Ids of signatures with this name and 5-digit ZIP code, compared as the count compares
    people (NFKC, case, spacing): congress signers, from the web or from paper."""
    match = ZIP_CODE.fullmatch(zip_code.strip())
    if match is None:
        raise ValueError("a ZIP code is 5 digits (or ZIP+4: 92833-4411)")
    rows = db.session.execute(select(Signature.id, Signature.first_name, Signature.last_name).where(
        Signature.postal_code.startswith(match.group(1), autoescape=True))).all()
    wanted = (normalise(first_name), normalise(last_name))
    return {row.id for row in rows if (normalise(row.first_name), normalise(row.last_name)) == wanted}


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


def vacuum_personal_data():
    """PostgreSQL keeps the old version of every row it updated or deleted, emails and addresses
    included, until VACUUM reclaims it, and its indexes still point there: ix_signature_not_anonymised
    would lead the next daily run through every row just anonymised (0.3 s at 1M signatures instead
    of milliseconds; bench/million.py). Autovacuum waits for a fifth of the table to change. So after
    anonymising or deleting old emails, vacuum the tables at once (outside a transaction, as VACUUM
    must run)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM (ANALYZE) signature, consent, outbox, organisation")


privacy_cli = AppGroup("privacy", help="Erase a person's data; anonymise closed campaigns.")


@privacy_cli.command("erase")
@click.argument("email", required=False)
@click.option("--reference", "references", multiple=True, metavar="REFERENCE",
              help="A signature reference, or a confirmation or unsubscribe link from the signer's email "
                   "(repeatable).")
@click.option("--name", nargs=2, metavar="FIRST LAST", help="With --zip: a signer by name and ZIP code (congress).")
@click.option("--zip", "zip_code", metavar="ZIP", help="With --name: the ZIP code the signer gave.")
@click.option("--dry-run", is_flag=True, help="Report what would be removed; change nothing.")
def erase_command(email, references, name, zip_code, dry_run):
    """Remove a person's personal data from every campaign; counts and aggregates stay right.

    Find them by EMAIL, by --reference, or by --name FIRST LAST --zip ZIP (congress keeps no email
    of a signer who did not ask for follow-up emails), or several of these at once.
    """
    if bool(name) != bool(zip_code):
        raise click.UsageError("--name FIRST LAST and --zip ZIP go together")
    if not (email or references or name):
        raise click.UsageError("say whom to erase: EMAIL, --reference REFERENCE or --name FIRST LAST --zip ZIP")
    try:
        report = erase(email, references, (*name, zip_code) if name else None)
    except ValueError as error:
        db.session.rollback()
        raise click.BadParameter(str(error), param_hint="--zip") from None
    # Packets built on the dashboard list counted signers by name: those of the campaigns where
    # the person was counted are removed (build again; the new ones name them no more).
    named_in_packets = {item.campaign for item in report.signatures if item.action == "anonymised"}
    if dry_run:
        db.session.rollback()
        builds_removed = 0
    else:
        db.session.commit()
        builds_removed = discard_builds(named_in_packets, "a signer of the campaign was erased")
    # Who asked for whom is not kept: only how the person was found and what was touched.
    audit_command("privacy_erase", by=report.asked_by, campaigns=report.campaigns, dry_run=dry_run,
                  signatures=len(report.signatures), organisations=len(report.organisations),
                  other_emails=report.other_emails, packet_builds_removed=builds_removed)
    db.session.commit()
    prefix = "would be: " if dry_run else ""
    for line in report.lines():
        click.echo(prefix + line)
    if named_in_packets:
        click.echo(f"{prefix}packets built on the dashboard for {', '.join(sorted(named_in_packets))} removed "
                   "(they named the person): build them again")


@privacy_cli.command("anonymise")
@click.option("--dry-run", is_flag=True, help="Report what would be anonymised; change nothing.")
def anonymise_command(dry_run):
    """Strip emails and street addresses from campaigns closed over ANONYMISE_AFTER_DAYS ago."""
    done, old = anonymise()
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    audit_command("privacy_anonymise", campaigns=[item.campaign for item in done], dry_run=dry_run,
                  anonymised=sum(item.anonymised for item in done),
                  deleted=sum(item.deleted_pending for item in done), emails=sum(item.emails for item in done),
                  old_emails=old)
    db.session.commit()
    if not dry_run and (old or any(item.anonymised or item.deleted_pending or item.emails for item in done)):
        vacuum_personal_data()
    days = current_app.config["ANONYMISE_AFTER_DAYS"]
    for item in done:
        click.echo(f"{item.campaign} (closed {item.closed_since:%Y-%m-%d}, over {days} days ago): "
                   f"{item.anonymised} signature(s) anonymised, {item.deleted_pending} unconfirmed deleted, "
                   f"{item.emails} email(s) deleted")
    if not done:
        click.echo(f"no campaign closed more than {days} days ago")
    click.echo(f"{old} sent or dead email(s) older than {current_app.config['OUTBOX_RETENTION_DAYS']} days deleted")
