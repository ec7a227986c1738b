"""Organisations as signers (the `coalition` letter): recording a signature, and the list shown.

An organisation counts once per campaign: by its website's host (www. and the scheme ignored),
or by its name and country where it gave no website. A new signature waits for an organiser's
approval (organisers/organisations.py); only then does it count and appear. A repeat is answered
like a first signature and stores nothing.
"""
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select

from ..extensions import db
from ..models import ORGANISATION_APPROVED, ORGANISATION_PENDING, Organisation, utcnow
from .counting import CampaignClosed, campaign_state
from .identity import identity_key
from .upsert import insert_for_dialect


def organisation_key(name, country, homepage):
    host = urlsplit(homepage if "//" in (homepage or "") else f"//{homepage or ''}").hostname or ""
    host = host.removeprefix("www.")
    return identity_key("site", host) if host else identity_key("name", name, country)


def record_organisation(definition, form, language):
    """Store a valid form's organisation as pending unless it already signed. True if new;
    CampaignClosed if the letter no longer takes signatures."""
    if campaign_state(definition, with_count=False).closed:
        raise CampaignClosed()
    values = {
        "name": form.organisation.data, "name_en": form.organisation_en.data or None,
        "homepage": form.homepage.data or None, "country": form.country.data,
        "contact_name": f"{form.first_name.data} {form.last_name.data}", "contact_email": form.email.data,
    }
    statement = (
        insert_for_dialect(Organisation)
        .values(campaign=definition.slug, locale=language, status=ORGANISATION_PENDING, created_at=utcnow(),
                identity_key=organisation_key(values["name"], values["country"], values["homepage"]), **values)
        .on_conflict_do_nothing(index_elements=["campaign", "identity_key"])
        .returning(Organisation.id)
    )
    new = db.session.execute(statement).scalar() is not None
    db.session.commit()
    return new


@dataclass(frozen=True)
class Signatory:
    name: str
    name_en: str | None = None
    country: str | None = None
    homepage: str | None = None


def signatories(definition):
    """The public list: the founding signatories in the seed's order, then approved ones as approved."""
    approved = db.session.execute(
        select(Organisation.name, Organisation.name_en, Organisation.country, Organisation.homepage)
        .where(Organisation.campaign == definition.slug, Organisation.status == ORGANISATION_APPROVED)
        .order_by(Organisation.decided_at, Organisation.id)).all()
    return [Signatory(name) for name in definition.founding_signatories] + [Signatory(*row) for row in approved]
