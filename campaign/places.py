"""Countries and U.S. states with names in the page's language, sorted for its readers."""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale

from .i18n import babel_name, sort_for_language

# CLDR territory codes that are not places a person lives in.
# AC, CP, DG, EA, IC and TA are CLDR-only codes for parts of other countries.
NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "AC", "CP", "DG", "EA", "IC", "TA"}

US_STATES_FILE = Path(__file__).parent / "data" / "us_states.csv"


@dataclass(frozen=True)
class UsState:
    code: str
    fips: str
    kind: str  # state, district (DC) or territory
    districts: int  # House seats; 0 means one at-large seat or a delegate
    names: dict

    def name(self, tag):
        return self.names.get(babel_name(tag)) or self.names["en"]

    def has_district(self, number):
        """Whether `number` (0 for at-large) is one of this state's House districts."""
        if self.districts == 0:
            return number == 0
        return 1 <= number <= self.districts


@lru_cache(maxsize=1)
def us_states():
    with US_STATES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: UsState(
            code=row["code"], fips=row["fips"], kind=row["kind"], districts=int(row["districts"]),
            # Every language column (a new language adds one: TRANSLATING.md); an empty cell falls back to English.
            names={key: value for key, value in row.items() if key not in ("code", "fips", "kind", "districts") and value},
        )
        for row in rows
    }


@lru_cache(maxsize=16)
def us_state_choices(tag):
    """(code, name) for every state, DC and territory, sorted for readers of `tag`."""
    states = us_states().values()
    return tuple(sort_for_language([(s.code, s.name(tag)) for s in states], tag, key=lambda c: c[1]))


@lru_cache(maxsize=1)
def country_codes():
    return frozenset(
        code for code in Locale.parse("en").territories
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    )


@lru_cache(maxsize=16)
def _country_names(tag):
    return dict(country_choices(tag))


def country_name(code, tag):
    """The CLDR name of country `code` in language `tag` (the code itself if CLDR has none)."""
    return _country_names(tag).get(code, code)


@lru_cache(maxsize=16)
def country_choices(tag):
    """(code, CLDR name in `tag`) for every country, sorted for readers of `tag`."""
    names = Locale.parse(babel_name(tag)).territories
    english = Locale.parse("en").territories
    pairs = [(code, names.get(code) or english[code]) for code in country_codes()]
    return tuple(sort_for_language(pairs, tag, key=lambda c: c[1]))

