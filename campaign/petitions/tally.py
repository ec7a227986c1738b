"""Reading the running tallies of signatures (signature_tally, kept by migration 0018's triggers).

One query gives every dimension of a campaign for a set of statuses; its cost grows with the
number of days, places and languages, never with the number of signatures (bench/million.py).
A signature without a country, region or district is in no row of that dimension, so the
total comes from `locale`, which every signature has, and "no place" is the total less the places.
"""
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import SignatureTally

PLACES = ("country", "region", "district")


@dataclass(frozen=True)
class Tally:
    """Signatures of one campaign in the given statuses: {dimension: {value: count}}."""

    values: dict = field(default_factory=dict)

    def of(self, dimension):
        return self.values.get(dimension, {})

    @property
    def total(self):
        return sum(self.of("locale").values())

    def without(self, dimension):
        """Signatures with no value of a place dimension."""
        return self.total - sum(self.of(dimension).values())

    def ranked(self, dimension):
        """(value, count) most first, then by value; None stands for "no value" where there are such."""
        rows = list(self.of(dimension).items())
        if dimension in PLACES and self.without(dimension):
            rows.append((None, self.without(dimension)))
        return sorted(rows, key=lambda row: (-row[1], row[0] or ""))


def tally(slug, statuses, days_from: date | None = None, dimensions=None):
    """The campaign's tally for `statuses`; days before `days_from` are left out of "day".
    `dimensions` (besides "locale", which gives the total) reads only those: "day" is most of a
    campaign's rows (a value a day, in up to eight shards), and only the dashboard shows it."""
    number = func.sum(SignatureTally.count)
    query = (select(SignatureTally.dimension, SignatureTally.value, number)
             .where(SignatureTally.campaign == slug, SignatureTally.status.in_(statuses))
             .group_by(SignatureTally.dimension, SignatureTally.value).having(number != 0))
    if dimensions is not None:
        query = query.where(SignatureTally.dimension.in_({"locale", *dimensions}))
    if days_from is not None:
        query = query.where(or_(SignatureTally.dimension != "day", SignatureTally.value >= days_from.isoformat()))
    rows = db.session.execute(query).all()
    values = {}
    for dimension, value, count in rows:
        values.setdefault(dimension, {})[value] = int(count)
    return Tally(values)
