"""Recording a signature: once per person, with its consents, the count and its email, in one
transaction."""
from ..extensions import db
from ..models import SIGNATURE_COUNTED, SIGNATURE_PENDING, Consent, Signature, utcnow
from .confirmation import claim_resend, confirmation_required, pending_signature_id
from .counting import increment_count
from .identity import email_key, identity_key
from .upsert import insert_for_dialect


def record_signature(definition, form, language, source="web"):
    """Store a valid form's signature unless this person already signed.

    Where the campaign requires confirmation the signature is stored pending, is not counted,
    and a confirmation email is queued; it counts when confirmed (confirmation.py). A campaign
    whose email is optional counts a signer without an email at once: there is nothing to
    confirm. Elsewhere the signature counts at once, and a signer who asked for news gets a
    thank-you email.

    Returns True for a new signature. Callers must answer both cases identically: the
    result exists for tests and counters, never for the signer's response. A repeat stores
    nothing, except that a pending signer's repeat may queue a new confirmation email (at
    most one per CONFIRMATION_RESEND_MINUTES), sent to the address stored the first time.
    """
    from ..mail.messages import queue_confirmation, queue_thanks

    now = utcnow()
    values = definition.signature_values(form)
    email = values.get("email")
    pending = confirmation_required(definition) and bool(email)
    key = identity_key(*definition.identity(form))
    insert = insert_for_dialect(Signature)
    statement = (
        insert.values(
            campaign=definition.slug,
            identity_key=key,
            locale=language,
            source=source,
            created_at=now,
            status=SIGNATURE_PENDING if pending else SIGNATURE_COUNTED,
            email_key=email_key(email),
            confirmation_sent_at=now if pending else None,
            **values,
        )
        # The unique constraint decides, so two concurrent repeats cannot both be counted.
        .on_conflict_do_nothing(index_elements=["campaign", "identity_key"])
        .returning(Signature.id)
    )
    signature_id = db.session.execute(statement).scalar()
    if signature_id is not None:
        answers = definition.consents(form)
        for answer in answers:
            db.session.add(Consent(signature_id=signature_id, purpose=answer.purpose, choice=answer.choice,
                                   wording_version=answer.wording_version, locale=language, given_at=now))
        if pending:
            queue_confirmation(db.session.get(Signature, signature_id), definition)
        else:
            increment_count(definition.slug)
            if email and _accepts_news(definition, answers):
                queue_thanks(db.session.get(Signature, signature_id), definition)
    elif confirmation_required(definition):
        earlier = pending_signature_id(definition, key)
        if earlier is not None:
            signature = claim_resend(definition, earlier, now)
            if signature is not None:
                queue_confirmation(signature, definition)
    db.session.commit()
    return signature_id is not None


def _accepts_news(definition, answers):
    rule = definition.updates_consent
    return rule is not None and any(a.purpose == rule.purpose and rule.accepts(a.choice) for a in answers)
