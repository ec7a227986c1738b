"""Recording a signature: once per person, with its consents, the count and its email, in one
transaction, doing the same work whether or not this person signed before.

On PostgreSQL all of it is one statement (petitions/signing_postgresql.py); elsewhere (SQLite)
the same steps run one after another in one transaction. Both give the same rows: the test
suite runs on each.
"""
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, insert, literal, or_, select

from ..extensions import db
from ..models import (COUNTER_SHARDS, SIGNATURE_COUNTED, SIGNATURE_PENDING, Consent, Signature, UtcDateTime,
                      new_reference, utcnow)
from .confirmation import confirmation_required
from .counting import CampaignClosed, campaign_state, increment_count
from .definition import ConsentAnswer
from .identity import email_key, identity_key
from .upsert import insert_for_dialect

# "Deliver my signature without my name": stored as a consent answer with its wording version.
WITHHELD = "withheld"
NAMED = "named"
NAME_DELIVERY_WORDING = "name-delivery-2026-12"
# The columns a newer submission may rewrite while a signature is pending (unconfirmed).
REPLACEABLE_WHILE_PENDING = ("first_name", "last_name", "email", "email_key", "street_address", "district",
                             "city", "region", "postal_code", "country", "locale", "name_withheld", "letter_version")


@dataclass(frozen=True)
class Submission:
    """A valid form, ready to store: what either way of recording needs."""

    definition: object
    language: str
    source: str
    now: datetime
    values: dict  # the signature's columns from the form, and the letter version
    email: str | None
    key: str  # identity key: one signature per person and campaign
    answers: tuple  # ConsentAnswer, the name-delivery answer last
    pending: bool  # counts only once the address is confirmed
    reference: str  # the new row's random reference (a pending row takes it with a new email)

    @property
    def withheld(self):
        return self.answers[-1].choice == WITHHELD

    @property
    def email_key(self):
        return email_key(self.email)

    @property
    def confirms_new_signer(self):
        """A new signer gets a confirmation: to count, or to open the way to the news they asked for."""
        return self.pending or _accepts_news(self.definition, self.answers)

    @property
    def identity_is_email(self):
        return self.key == self.email_key

    def earliest_last_email(self):
        """An address emailed after this may not be emailed again yet (CONFIRMATION_RESEND_MINUTES)."""
        return self.now - timedelta(minutes=current_app.config["CONFIRMATION_RESEND_MINUTES"])

    def counter_shard(self):
        return random.randrange(COUNTER_SHARDS)


def record_signature(definition, form, language, source="web"):
    """Store a valid form's signature, or answer a repeat; returns True for a new signature.
    Raises CampaignClosed, writing nothing, if the campaign is closed.

    Every submission with an email queues one email to the address just typed (at most one per
    address every CONFIRMATION_RESEND_MINUTES), so that a stranger who types someone's address
    learns nothing from the count, the answer, its timing or the mail, and the address's owner
    learns that someone used it:
    - a new signer gets a confirmation. Where the campaign requires one, the signature is
      pending and counts only once confirmed (confirmation.py); elsewhere it counts at once and
      the confirmation only opens the way to the news the signer asked for;
    - a repeat of a pending signature replaces its details and consents (the newest submission
      decides what may be delivered; the confirmation page shows it) and gets a new
      confirmation, whose link is the only one that works: the row takes the new reference;
    - a repeat of a counted signature changes nothing and gets "you have already signed".

    Callers must answer both cases identically: the result is for tests and counters only.
    """
    submission = _submission(definition, form, language, source)
    if db.session.get_bind().dialect.name == "postgresql":
        from .signing_postgresql import record_in_one_statement  # here: it imports this module's constants

        return record_in_one_statement(submission)
    return _record_step_by_step(submission)


def _submission(definition, form, language, source):
    from ..delivery.letter import letter_version

    values = {**definition.signature_values(form), "letter_version": letter_version(definition, language)}
    email = values.get("email")
    return Submission(
        definition=definition, language=language, source=source, now=utcnow(), values=values, email=email,
        key=identity_key(*definition.identity(form)),
        answers=(*definition.consents(form), name_delivery_answer(definition, form)),
        pending=confirmation_required(definition) and bool(email), reference=new_reference())


def name_delivery_answer(definition, form):
    """The answer to "Deliver my signature without my name", stored like the other consents."""
    withheld = bool(getattr(form, "withhold_name", None) and form.withhold_name.data)
    return ConsentAnswer("name_delivery", WITHHELD if withheld else NAMED, NAME_DELIVERY_WORDING)


def _record_step_by_step(submission):
    from ..mail.messages import queue_already_signed, queue_confirmation

    definition = submission.definition
    if campaign_state(definition, with_count=False).closed:
        raise CampaignClosed()
    row = db.session.execute(_upsert(submission)).one()
    # Not the creation time alone: two submissions may read the clock in the same microsecond. A new
    # row has this submission's reference; a repeat takes it only while pending, and is then treated
    # as a pending repeat is (nothing counted, details and consents replaced, a confirmation).
    is_new = row.created_at == submission.now and row.reference == submission.reference
    may_email = bool(submission.email) and row.confirmation_sent_at == submission.now  # this one opened the window
    _replace_consents_unless_counted(row.id, is_new, submission)
    signature = db.session.get(Signature, row.id)
    if is_new:
        if not submission.pending:
            increment_count(definition.slug)
        if may_email and submission.confirms_new_signer:
            queue_confirmation(signature, definition)
    elif may_email:
        if row.status == SIGNATURE_PENDING:
            queue_confirmation(signature, definition)
        elif row.email_key == submission.email_key or submission.identity_is_email:
            # Only to the address this person signed with (or that is their identity): where the
            # identity is a name and ZIP code, another address must not learn that they signed.
            queue_already_signed(signature, definition, to_address=submission.email, tag=submission.language)
    db.session.commit()
    return is_new


def _upsert(submission):
    """One statement: insert the signature, or touch the existing one the same way.

    The unique constraint decides, so two concurrent repeats cannot both be counted. On a
    repeat, a pending row takes the newest details, and the last-email time moves on only
    when the resend window has passed: RETURNING tells whether this submission may email.
    """
    statement = insert_for_dialect(Signature)
    table = Signature.__table__.c
    now, email = submission.now, submission.email
    statement = statement.values(
        campaign=submission.definition.slug, identity_key=submission.key, locale=submission.language,
        source=submission.source, created_at=now,
        status=SIGNATURE_PENDING if submission.pending else SIGNATURE_COUNTED, email_key=submission.email_key,
        confirmation_sent_at=now if email else None, reference=submission.reference,
        name_withheld=submission.withheld, **submission.values)
    is_pending = table.status == SIGNATURE_PENDING
    replacements = {column: case((is_pending, statement.excluded[column]), else_=table[column])
                    for column in REPLACEABLE_WHILE_PENDING}
    window_open = (or_(table.confirmation_sent_at.is_(None), table.confirmation_sent_at <= submission.earliest_last_email())
                   & statement.excluded.confirmation_sent_at.is_not(None))
    replacements["confirmation_sent_at"] = case((window_open, statement.excluded.confirmation_sent_at),
                                                else_=table.confirmation_sent_at)
    replacements["reference"] = case((is_pending & window_open, statement.excluded.reference), else_=table.reference)
    return statement.on_conflict_do_update(index_elements=["campaign", "identity_key"], set_=replacements) \
        .returning(table.id, table.created_at, table.reference, table.status, table.email_key,
                   table.confirmation_sent_at)


def _replace_consents_unless_counted(signature_id, is_new, submission):
    """Store the answers of a new or pending signature; a counted one keeps its own.

    The same statements run either way, and the database's condition decides, so that a
    repeat costs what a first signature costs (the timing oracle: bench/signing_oracle.py).
    """
    replaceable = exists().where(Signature.id == signature_id,
                                 or_(Signature.status == SIGNATURE_PENDING, literal(is_new)))
    db.session.execute(delete(Consent).where(Consent.signature_id == signature_id, replaceable))
    for answer in submission.answers:
        values = select(literal(signature_id), literal(answer.purpose), literal(answer.choice),
                        literal(answer.wording_version), literal(submission.language),
                        literal(submission.now, UtcDateTime())).where(replaceable)
        db.session.execute(insert(Consent).from_select(
            ["signature_id", "purpose", "choice", "wording_version", "locale", "given_at"], values))


def _accepts_news(definition, answers):
    rule = definition.updates_consent
    return rule is not None and any(a.purpose == rule.purpose and rule.accepts(a.choice) for a in answers)
