"""Recording a signature: once per person, with its consents and the count, in one transaction."""
from ..extensions import db
from ..models import Consent, Signature, utcnow
from .counting import increment_count
from .identity import identity_key
from .upsert import insert_for_dialect


def record_signature(definition, form, language, source="web"):
    """Store a valid form's signature unless this person already signed.

    Returns True for a new signature. Callers must answer both cases identically: the
    result exists for tests and counters, never for the signer's response.
    """
    now = utcnow()
    insert = insert_for_dialect(Signature)
    statement = (
        insert.values(
            campaign=definition.slug,
            identity_key=identity_key(*definition.identity(form)),
            locale=language,
            source=source,
            created_at=now,
            **definition.signature_values(form),
        )
        # The unique constraint decides, so two concurrent repeats cannot both be counted.
        .on_conflict_do_nothing(index_elements=["campaign", "identity_key"])
        .returning(Signature.id)
    )
    signature_id = db.session.execute(statement).scalar()
    if signature_id is not None:
        for answer in definition.consents(form):
            db.session.add(Consent(signature_id=signature_id, purpose=answer.purpose, choice=answer.choice,
                                   wording_version=answer.wording_version, locale=language, given_at=now))
        increment_count(definition.slug)
    db.session.commit()
    return signature_id is not None
