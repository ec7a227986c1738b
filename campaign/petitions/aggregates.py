"""Counts of signatures by place (country; U.S. state and district), the same numbers for the
public results page, its open data and the organisers' downloads.

Read from the running tally (petitions/tally.py, migration 0018), which costs the same at any
number of signatures, and kept per process for RESULTS_CACHE_SECONDS besides. The public
numbers go through `shown()`: a place with fewer than RESULTS_MIN_COUNT signers is "fewer than
N", and so is a place with none, so that no signer can be singled out and no place is known to
have any signer at all.
"""
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import current_app

from ..models import SIGNATURES_IN_COUNT
from .tally import tally


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
    """From the running tally: by state and district where the campaign counts by district, else by country."""
    by_district = definition.results_by == "district"
    counted = tally(definition.slug, statuses, dimensions=("region", "district") if by_district else ("country",))
    counted_at = datetime.now(timezone.utc).replace(microsecond=0)
    if by_district:
        return PlaceCounts(total=counted.total, states=counted.of("region"), districts=counted.of("district"),
                           without_place=counted.without("region"), counted_at=counted_at)
    return PlaceCounts(total=counted.total, countries=counted.of("country"), without_place=counted.without("country"),
                       counted_at=counted_at)


def minimum_shown():
    return max(1, current_app.config["RESULTS_MIN_COUNT"])


def shown(count):
    """A count as the public may see it: the number, or None for "fewer than RESULTS_MIN_COUNT"
    (none included)."""
    return count if count and count >= minimum_shown() else None

