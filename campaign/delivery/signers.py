"""The signatures a packet delivers, read in batches so a packet of any size needs little memory.

Delivered: counted signatures, web and paper alike. Not delivered: pending ones (email not
confirmed), hidden ones (moderation). Erased ones (privacy.py) are in the totals, since the count
includes them, but have no name to list. The organisers' CSV export reads through
counted_batches too.
"""
from flask_babel import pgettext
from sqlalchemy import select

from ..extensions import db
from ..i18n import person_name
from ..models import SIGNATURE_COUNTED, SIGNATURES_IN_COUNT, Signature
from ..petitions.tally import tally

BATCH = 2000


def totals_by(slug, dimension):
    """{value of the tally's `dimension` ("country", "region", "district"): signatures in the
    totals}, with None for those without one."""
    counted = tally(slug, SIGNATURES_IN_COUNT, dimensions=(dimension,))
    totals = dict(counted.of(dimension))
    if counted.without(dimension):
        totals[None] = counted.without(dimension)
    return totals


# What a packet may show of a signer: never the street address, ZIP code or email. (The letter
# version is printed per version, with the number of signers: packet.VersionNote.)
LISTED_COLUMNS = (Signature.id, Signature.first_name, Signature.last_name, Signature.name_withheld, Signature.city,
                  Signature.region, Signature.district, Signature.country, Signature.locale, Signature.letter_version)


def counted_batches(slug, columns, *conditions):
    """Counted signatures of campaign `slug` matching `conditions`, as lists of rows of `columns`
    (which must include Signature.id), BATCH at a time in signing order (keyset pagination on id):
    a campaign of any size is read in little memory."""
    last = 0
    while True:
        rows = db.session.execute(
            select(*columns).where(Signature.campaign == slug, Signature.status == SIGNATURE_COUNTED,
                                   Signature.id > last, *conditions)
            .order_by(Signature.id).limit(BATCH)).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def listed(slug, *conditions):
    """Named signatures matching `conditions` in signing order, as rows of LISTED_COLUMNS."""
    for rows in counted_batches(slug, LISTED_COLUMNS, *conditions):
        yield from rows


def display_name(row):
    """陳美玲 and 김민준 as their owners write them; a Latin name in the recipients' (English) order.
    A signer who chose to be delivered without their name is listed as such, with their place."""
    if row.name_withheld:
        # Translators: In a delivery packet, in place of the name of a signer who chose to sign without their name being delivered.
        return pgettext("packet", "Name withheld")
    return person_name(row.first_name, row.last_name, "en")
