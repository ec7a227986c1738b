"""Recording a signature: once per person, with its consents, the count and its email, in one
transaction, doing the same work whether or not this person signed before."""
from datetime import timedelta

from flask import current_app
from sqlalchemy import case, delete, exists, insert, literal, or_, select

from ..extensions import db
from ..models import SIGNATURE_COUNTED, SIGNATURE_PENDING, Consent, Signature, UtcDateTime, new_reference, utcnow
from .confirmation import confirmation_required
from .counting import increment_count
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


def record_signature(definition, form, language, source="web"):
    """Store a valid form's signature, or answer a repeat; returns True for a new signature.

    Every submission with an email queues one email to the address just typed (at most one per
    address every CONFIRMATION_RESEND_MINUTES), so that a stranger who types someone's address
    learns nothing from the count, the answer, its timing or the mail, and the address's owner
    learns that someone used it:
    - a new signer gets a confirmation. Where the campaign requires one, the signature is
      pending and counts only once confirmed (confirmation.py); elsewhere it counts at once and
      the confirmation only opens the way to the news the signer asked for;
    - a repeat of a pending signature replaces its details and consents (the newest submission
      decides what may be delivered; the confirmation page shows it) and gets a new
      confirmation;
    - a repeat of a counted signature changes nothing and gets "you have already signed".

    Callers must answer both cases identically: the result is for tests and counters only.
    """
    from ..delivery.letter import letter_version
    from ..mail.messages import queue_already_signed, queue_confirmation

    now = utcnow()
    values = {**definition.signature_values(form), "letter_version": letter_version(definition, language)}
    email = values.get("email")
    key = identity_key(*definition.identity(form))
    answers = [*definition.consents(form), name_delivery_answer(definition, form)]
    pending = confirmation_required(definition) and bool(email)
    reference = new_reference()
    row = db.session.execute(_upsert(definition, key, values, language, source, now, pending, reference,
                                     withheld=answers[-1].choice == WITHHELD)).one()
    is_new = row.reference == reference
    may_email = bool(email) and row.confirmation_sent_at == now  # this submission opened the window
    _replace_consents_unless_counted(row.id, reference, answers, language, now)
    signature = db.session.get(Signature, row.id)
    if is_new:
        if not pending:
            increment_count(definition.slug)
        if may_email and (pending or _accepts_news(definition, answers)):
            queue_confirmation(signature, definition)
    elif may_email:
        if row.status == SIGNATURE_PENDING:
            queue_confirmation(signature, definition)
        elif row.email_key == email_key(email) or key == email_key(email):
            # Only to the address this person signed with (or that is their identity): where the
            # identity is a name and ZIP code, another address must not learn that they signed.
            queue_already_signed(signature, definition, to_address=email, tag=language)
    db.session.commit()
    return is_new


def name_delivery_answer(definition, form):
    """The answer to "Deliver my signature without my name", stored like the other consents."""
    withheld = bool(getattr(form, "withhold_name", None) and form.withhold_name.data)
    return ConsentAnswer("name_delivery", WITHHELD if withheld else NAMED, NAME_DELIVERY_WORDING)


def _upsert(definition, key, values, language, source, now, pending, reference, withheld):
    """One statement: insert the signature, or touch the existing one the same way.

    The unique constraint decides, so two concurrent repeats cannot both be counted. On a
    repeat, a pending row takes the newest details, and the last-email time moves on only
    when the resend window has passed: RETURNING tells whether this submission may email.
    """
    statement = insert_for_dialect(Signature)
    table = Signature.__table__.c
    earliest = now - timedelta(minutes=current_app.config["CONFIRMATION_RESEND_MINUTES"])
    email = values.get("email")
    statement = statement.values(
        campaign=definition.slug, identity_key=key, locale=language, source=source, created_at=now,
        status=SIGNATURE_PENDING if pending else SIGNATURE_COUNTED, email_key=email_key(email),
        confirmation_sent_at=now if email else None, reference=reference, name_withheld=withheld, **values)
    is_pending = table.status == SIGNATURE_PENDING
    replacements = {column: case((is_pending, statement.excluded[column]), else_=table[column])
                    for column in REPLACEABLE_WHILE_PENDING}
    window_open = or_(table.confirmation_sent_at.is_(None), table.confirmation_sent_at <= earliest)
    replacements["confirmation_sent_at"] = case(
        (window_open & statement.excluded.confirmation_sent_at.is_not(None), statement.excluded.confirmation_sent_at),
        else_=table.confirmation_sent_at)
    return statement.on_conflict_do_update(index_elements=["campaign", "identity_key"], set_=replacements) \
        .returning(table.id, table.reference, table.status, table.email_key, table.confirmation_sent_at)


def _replace_consents_unless_counted(signature_id, reference, answers, language, now):
    """Store the answers of a new or pending signature; a counted one keeps its own.

    The same statements run either way, and the database's condition decides, so that a
    repeat costs what a first signature costs (the timing oracle: bench/signing_oracle.py).
    """
    replaceable = exists().where(Signature.id == signature_id,
                                 or_(Signature.status == SIGNATURE_PENDING, Signature.reference == reference))
    db.session.execute(delete(Consent).where(Consent.signature_id == signature_id, replaceable))
    for answer in answers:
        values = select(literal(signature_id), literal(answer.purpose), literal(answer.choice),
                        literal(answer.wording_version), literal(language), literal(now, UtcDateTime())).where(replaceable)
        db.session.execute(insert(Consent).from_select(
            ["signature_id", "purpose", "choice", "wording_version", "locale", "given_at"], values))


def _accepts_news(definition, answers):
    rule = definition.updates_consent
    return rule is not None and any(a.purpose == rule.purpose and rule.accepts(a.choice) for a in answers)
