"""Who may receive news, unsubscribing, and queueing a news email to every consenting signer.

The answer a signer gave (xi: "How may we use your email address?", unhcr and congress: the
updates box) is stored as a Consent row; an unsubscribe adds a later row with the choice
"withdrawn". The newest row for the campaign's purpose decides.
"""
from flask import current_app
from jinja2 import TemplateNotFound
from sqlalchemy import delete, select

from ..extensions import db
from ..models import SIGNATURE_COUNTED, Consent, OutboxMessage, Signature, utcnow
from ..petitions.counting import signature_count
from .messages import queue_update
from .outbox import PENDING

WITHDRAWN = "withdrawn"
# Stored as the wording version of a withdrawal: the signer pressed the unsubscribe button or
# their mail program's one-click unsubscribe.
UNSUBSCRIBE_WORDING = "unsubscribe-link"
AUDIENCES = ("petition", "coalition")
BATCH = 500


def latest_choices(signature_ids, purpose):
    """{signature id: newest choice} for one consent purpose."""
    rows = db.session.execute(
        select(Consent.signature_id, Consent.choice)
        .where(Consent.signature_id.in_(signature_ids), Consent.purpose == purpose)
        .order_by(Consent.given_at, Consent.id)
    ).all()
    return {signature_id: choice for signature_id, choice in rows}


def wants_news(definition, signature_id, audience="petition"):
    rule = definition.updates_consent
    if rule is None:
        return False
    return rule.accepts(latest_choices([signature_id], rule.purpose).get(signature_id), audience)


def withdraw(definition, signature, tag):
    """Record that this signer wants no more news, and drop news not yet sent. Idempotent."""
    rule = definition.updates_consent
    if rule is None or signature.email is None:
        return False
    if latest_choices([signature.id], rule.purpose).get(signature.id) == WITHDRAWN:
        return False
    db.session.add(Consent(signature_id=signature.id, purpose=rule.purpose, choice=WITHDRAWN,
                           wording_version=UNSUBSCRIBE_WORDING, locale=tag, given_at=utcnow()))
    db.session.execute(
        delete(OutboxMessage).where(OutboxMessage.signature_id == signature.id, OutboxMessage.status == PENDING,
                                    OutboxMessage.kind != "confirm")
    )
    return True


def template_exists(template):
    loader = current_app.jinja_env
    try:
        loader.get_template(f"email/updates/{template}.txt")
        loader.get_template(f"email/updates/{template}.html")
    except TemplateNotFound:
        return False
    return True


def queue_news(definition, template, audience="petition"):
    """Queue `email/updates/<template>` to every counted signer whose newest answer accepts
    news for `audience` and whose email address is confirmed (an unconfirmed address may be
    anyone's, typed by a stranger). Returns (queued, already queued).

    Running it again queues nothing twice (one message per template and signer).
    """
    rule = definition.updates_consent
    if rule is None:
        return 0, 0
    count = signature_count(definition.slug)
    queued = repeated = 0
    last_id = 0
    while True:
        signatures = db.session.execute(
            select(Signature).where(Signature.campaign == definition.slug, Signature.status == SIGNATURE_COUNTED,
                                    Signature.email.is_not(None), Signature.confirmed_at.is_not(None),
                                    Signature.id > last_id)
            .order_by(Signature.id).limit(BATCH)
        ).scalars().all()
        if not signatures:
            break
        last_id = signatures[-1].id
        choices = latest_choices([s.id for s in signatures], rule.purpose)
        for signature in signatures:
            if rule.accepts(choices.get(signature.id), audience):
                if queue_update(signature, definition, template, count):
                    queued += 1
                else:
                    repeated += 1
        db.session.commit()
    return queued, repeated
