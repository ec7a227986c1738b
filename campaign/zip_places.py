"""Where a ZIP code is: its state, its post office's city and a rough position, from
campaign/data/congress/zip_places.csv (the `zipcodes` package's data; NOTICE-zip-places.md).

Read once per process (about 42,000 short rows): it is reference data that only changes with
the file, so it is not a table. Used by the congress form to correct a ZIP code typed with the
wrong state and to name the places near a ZIP code that crosses district lines.
"""
import csv
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLACES_FILE = Path(__file__).parent / "data" / "congress" / "zip_places.csv"
EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class ZipPlace:
    zip_code: str
    state: str  # USPS code
    city: str  # the post office's name, in English
    lat: float | None
    lon: float | None

    def km_to(self, other):
        """Distance to another place (equirectangular: exact enough over tens of kilometres)."""
        if None in (self.lat, self.lon, other.lat, other.lon):
            return math.inf
        mean_lat = math.radians((self.lat + other.lat) / 2)
        dx = math.radians(other.lon - self.lon) * math.cos(mean_lat)
        dy = math.radians(other.lat - self.lat)
        return math.hypot(dx, dy) * EARTH_RADIUS_KM


def _number(text):
    return float(text) if text else None


@lru_cache(maxsize=1)
def _places():
    with open(PLACES_FILE, encoding="utf-8", newline="") as handle:
        return {row["zip"]: ZipPlace(row["zip"], row["state"], row["city"], _number(row["lat"]), _number(row["lon"]))
                for row in csv.DictReader(handle)}


@lru_cache(maxsize=1)
def _states_by_prefix():
    """{first three digits: the states whose ZIP codes start with them}."""
    states = {}
    for place in _places().values():
        states.setdefault(place.zip_code[:3], set()).add(place.state)
    return {prefix: frozenset(found) for prefix, found in states.items()}


def zip_place(zip_code):
    """The place of a ZIP code (5 digits or ZIP+4), or None if the file does not know it."""
    return _places().get((zip_code or "")[:5])


def prefix_states(zip_code):
    """The states whose ZIP codes share this one's first three digits (empty if none do)."""
    return _states_by_prefix().get((zip_code or "")[:3], frozenset())
