"""Confirmed signatures: where a campaign requires it, a signature is pending until the signer
presses the button on the page their email links to, and only then counts (exactly once)."""
from datetime import timedelta
from enum import Enum

from flask import current_app
from sqlalchemy import delete, or_, update

from ..extensions import db
from ..models import SIGNATURE_COUNTED, SIGNATURE_PENDING, OutboxMessage, Signature, new_reference, utcnow
from .counting import increment_count


class Outcome(Enum):
    CONFIRMED = "confirmed"  # counted now
    ALREADY = "already"  # counted before: nothing changes
    GONE = "gone"  # no such signature (erased, or never existed)


def confirmation_required(definition):
    """The campaign's definition decides, unless CONFIRMATION_REQUIRED lists the campaigns."""
    setting = current_app.config.get("CONFIRMATION_REQUIRED")
    if setting is None:
        return definition.requires_confirmation
    if isinstance(setting, str):
        setting = [part.strip() for part in setting.split(",")]
    return definition.slug in {slug for slug in setting if slug}


def confirm_signature(definition, signature_id):
    """Mark a signature's address as confirmed and, if it was pending, count it, in one
    transaction with its counter and its thank-you email.

    Each UPDATE only matches a row not yet confirmed, so of two confirmations (a double click,
    two tabs, two processes) exactly one changes it: PostgreSQL re-checks the condition after
    waiting for the row lock, SQLite has one writer at a time. The other finds nothing to do.
    A signature that counted at once (no confirmation required, or a congress signer who gave
    an address for news) only gets its address confirmed: news goes to confirmed addresses.
    """
    from ..mail.messages import queue_thanks
    from ..mail.updates import wants_news

    mine = (Signature.id == signature_id, Signature.campaign == definition.slug)
    now = utcnow()
    counted_now = db.session.execute(
        update(Signature).where(*mine, Signature.status == SIGNATURE_PENDING)
        .values(status=SIGNATURE_COUNTED, confirmed_at=now)
    ).rowcount == 1
    confirmed_now = counted_now or db.session.execute(
        update(Signature).where(*mine, Signature.status == SIGNATURE_COUNTED, Signature.confirmed_at.is_(None),
                                Signature.email.is_not(None))
        .values(confirmed_at=now)
    ).rowcount == 1
    if not confirmed_now:
        db.session.rollback()
        signature = db.session.get(Signature, signature_id)
        if signature is None or signature.campaign != definition.slug:
            return Outcome.GONE
        return Outcome.ALREADY
    if counted_now:
        increment_count(definition.slug)
    signature = db.session.get(Signature, signature_id)
    if signature.email and wants_news(definition, signature.id):
        queue_thanks(signature, definition)
    db.session.commit()
    return Outcome.CONFIRMED


def claim_resend(definition, signature_id, now=None):
    """The pending signature, if it may get a new confirmation email now (the caller queues it
    and commits); None otherwise. At most one per CONFIRMATION_RESEND_MINUTES per signature,
    decided by one conditional UPDATE so that concurrent requests cannot both send."""
    now = now or utcnow()
    earliest = now - timedelta(minutes=current_app.config["CONFIRMATION_RESEND_MINUTES"])
    result = db.session.execute(
        update(Signature)
        .where(Signature.id == signature_id, Signature.campaign == definition.slug,
               Signature.status == SIGNATURE_PENDING, Signature.email.is_not(None),
               or_(Signature.confirmation_sent_at.is_(None), Signature.confirmation_sent_at <= earliest))
        .values(confirmation_sent_at=now)
    )
    if result.rowcount != 1:
        return None
    return db.session.get(Signature, signature_id)


def resend_confirmation(definition, signature_id):
    """Queue a new confirmation email if the signature is pending and none went out recently."""
    from ..mail.messages import queue_confirmation

    signature = claim_resend(definition, signature_id)
    if signature is None:
        db.session.rollback()
        return False
    queue_confirmation(signature, definition)
    db.session.commit()
    return True


def resend_to_address(definition, email, language, now=None):
    """The thanks page's "Send the email again": one email to the mailbox `email` names, about its
    signature of `definition`, at most once per CONFIRMATION_RESEND_MINUTES (the window signing
    uses): a new confirmation link while the signature is pending, "you have already signed" once
    it counts, so that pending and counted cost the same and the owner learns the address was used.
    No signature (or one hidden or erased): nothing is sent. Returns the kind queued, for tests.

    One conditional UPDATE claims the window, so concurrent requests cannot both send.
    """
    from ..mail.messages import queue_already_signed, queue_confirmation
    from .identity import canonical_email, identity_key

    now = now or utcnow()
    earliest = now - timedelta(minutes=current_app.config["CONFIRMATION_RESEND_MINUTES"])
    claimed = db.session.execute(
        update(Signature)
        .where(Signature.campaign == definition.slug, Signature.identity_key == identity_key(canonical_email(email)),
               Signature.status.in_((SIGNATURE_PENDING, SIGNATURE_COUNTED)), Signature.email.is_not(None),
               or_(Signature.confirmation_sent_at.is_(None), Signature.confirmation_sent_at <= earliest))
        .values(confirmation_sent_at=now)
        .returning(Signature.id)
    ).first()
    if claimed is None:
        # Nothing to write to (no such signature, or its window is closed). The same work as for a
        # pending one, so that the time taken does not tell a stranger whether the address was ever
        # used: the email composed for a stand-in that is never stored, queued, and withdrawn in the
        # same transaction (the commit writes, and waits for the disk, as the others' do).
        stand_in = Signature(campaign=definition.slug, email=email, locale=language, reference=new_reference(),
                             status=SIGNATURE_PENDING)
        queue_confirmation(stand_in, definition)
        db.session.execute(delete(OutboxMessage).where(OutboxMessage.signature_id.is_(None),
                                                       OutboxMessage.kind == "confirm"))
        db.session.commit()
        return None
    signature = db.session.get(Signature, claimed.id)
    if signature.status == SIGNATURE_PENDING:
        queue_confirmation(signature, definition)
        kind = "confirm"
    else:
        queue_already_signed(signature, definition, to_address=email, tag=language, resent=True)
        kind = "already_signed"
    db.session.commit()
    return kind
