"""Counts of signatures by place (country; U.S. state and district), the same numbers for the
public results page, its open data and the organisers' downloads.

One GROUP BY over an index that holds every column it reads in the order it groups them
(ix_signature_places, migration 0013: about 0.1 s for 500,000 signatures on SQLite), kept per
process for RESULTS_CACHE_SECONDS: a page view never runs it but once in that time, at any
size of the signature table. The public numbers go through `shown()`: a place with fewer than
RESULTS_MIN_COUNT signers is "fewer than N", and so is a place with none, so that no signer can
be singled out and no place is known to have any signer at all.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import SIGNATURES_IN_COUNT, Signature


@dataclass(frozen=True)
class PlaceCounts:
    """Signatures of one campaign in the given statuses, by place."""

    total: int
    countries: dict = field(default_factory=dict)  # ISO 3166-1 alpha-2 -> count
    states: dict = field(default_factory=dict)  # U.S. state code -> count (district campaigns)
    districts: dict = field(default_factory=dict)  # "CA-40" -> count (district campaigns)
    without_place: int = 0  # no country (or, by district, no state) on file
    counted_at: datetime | None = None


def place_counts(definition, statuses=SIGNATURES_IN_COUNT):
    """The counts by place, from this process's cache when it is fresh enough."""
    seconds = current_app.config["RESULTS_CACHE_SECONDS"]
    key = (definition.slug, tuple(statuses))
    cache = current_app.extensions.setdefault("place_counts", {})
    entry = cache.get(key)
    now = time.monotonic()
    if entry is None or entry[0] <= now or seconds <= 0:
        entry = (now + seconds, count_places(definition, statuses))
        cache[key] = entry
    return entry[1]


def count_places(definition, statuses=SIGNATURES_IN_COUNT):
    """One GROUP BY: by state and district where the campaign counts by district, else by country."""
    number = func.count()
    scope = (Signature.campaign == definition.slug, Signature.status.in_(statuses))
    counted_at = datetime.now(timezone.utc).replace(microsecond=0)
    if definition.results_by == "district":
        # Grouped by country too (always US here) so the rows come in the index's order, unsorted.
        rows = db.session.execute(select(Signature.country, Signature.region, Signature.district, number)
                                  .where(*scope).group_by(Signature.country, Signature.region, Signature.district)).all()
        states, districts, without = {}, {}, 0
        for _country, state, district, count in rows:
            if not state:
                without += count
                continue
            states[state] = states.get(state, 0) + count
            if district:
                districts[district] = districts.get(district, 0) + count
        return PlaceCounts(total=sum(count for *_place, count in rows), states=states, districts=districts,
                           without_place=without, counted_at=counted_at)
    rows = db.session.execute(select(Signature.country, number).where(*scope).group_by(Signature.country)).all()
    countries = {country: count for country, count in rows if country}
    return PlaceCounts(total=sum(count for _country, count in rows), countries=countries,
                       without_place=sum(count for country, count in rows if not country), counted_at=counted_at)


def minimum_shown():
    return max(1, current_app.config["RESULTS_MIN_COUNT"])


def shown(count):
    """A count as the public may see it: the number, or None for "fewer than RESULTS_MIN_COUNT"
    (none included)."""
    return count if count and count >= minimum_shown() else None

