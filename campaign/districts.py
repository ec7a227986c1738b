"""Congressional districts as people type them: `CA-40`, `CA40`, `ca 40`, `AK-AL`, `AK-0`."""
import re
from dataclasses import dataclass

from .places import us_states

DISTRICT_PATTERN = re.compile(r"^\s*([A-Za-z]{2})\s*[-–—]?\s*(AL|\d{1,2})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class District:
    state: str
    number: int  # 0 for an at-large seat or a non-voting delegate

    def __str__(self):
        return f"{self.state}-{self.number:02d}"

    @classmethod
    def stored(cls, text):
        """The District of a value as __str__ wrote it (Signature.district: CA-40, AK-00)."""
        state, number = text.split("-")
        return cls(state, int(number))

    @property
    def label(self):
        """How the district is written for people: CA-40, or AK-AL for an at-large seat."""
        return f"{self.state}-AL" if self.number == 0 else f"{self.state}-{self.number}"


class NotADistrict(ValueError):
    """The text is not written like a district (it may be a street address)."""


class UnknownDistrict(ValueError):
    """Written like a district, but the state has no such district."""


def parse_district(text):
    match = DISTRICT_PATTERN.match(text or "")
    if not match:
        raise NotADistrict(text)
    state_code, number_text = match.group(1).upper(), match.group(2).upper()
    state = us_states().get(state_code)
    if state is None:
        raise NotADistrict(text)
    number = 0 if number_text == "AL" else int(number_text)
    if not state.has_district(number):
        raise UnknownDistrict(text)
    return District(state_code, number)
