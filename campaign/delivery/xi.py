"""Packets of `xi`: one per PRC embassy or consulate that has signers to receive, in English and
Chinese (the letter is delivered in both: definition.delivered_languages).

Signers are grouped by country. A country goes to the one mission whose `serves` names it
(campaign/data/embassies/prc_missions.csv): its own embassy, the embassy accredited to it (the
Paris embassy also serves Monaco) or, for a territory, the embassy in its sovereign state or a
consulate in the territory (Réunion). A country the PRC has no relations with goes into
`no-mission-on-file.pdf`, for organisers to decide.

Each mission is named as it names itself, from the data file (name_zh, name_en), never assembled
from a country's name; the letter is addressed through it in Chinese letter order
(中华人民共和国主席习近平阁下 / （经…转呈）). The labels come from the catalogs, drawn in English and
in Chinese.
"""
import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask_babel import format_decimal, ngettext, pgettext

from ..i18n import native_name
from ..mail.compose import in_language
from ..models import Signature
from ..places import country_name
from .document import Column
from .letter import letter_blocks
from .packet import Packet, Section, SignerList, file_name_part
from .signers import display_name, totals_by

MISSIONS_FILE = Path(__file__).resolve().parent.parent / "data" / "embassies" / "prc_missions.csv"
CHINESE = "zh-Hans"  # the delivered translation
LANGUAGES = ("en", CHINESE)


@dataclass(frozen=True)
class Mission:
    wikidata: str  # QID, for rows that came from Wikidata
    type: str  # embassy, consulate general, consulate, office (Palestine, Lithuania)
    host_country: str
    serves: tuple  # the countries and territories whose signers it receives
    city: str
    website: str
    name_zh: str  # as the mission names itself
    name_en: str
    source: str  # what the names were checked against


@lru_cache(maxsize=1)
def missions():
    with MISSIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Mission(row["wikidata"], row["type"], row["host_country"], tuple(row["serves"].split()),
                             row["city"], row["website"], row["name_zh"], row["name_en"], row["source"])
                     for row in csv.DictReader(handle))


@lru_cache(maxsize=1)
def _mission_by_country():
    by_country = {}
    for mission in missions():
        for country in mission.serves:
            if country in by_country:  # two packets would each claim the same signers
                raise ValueError(f"{MISSIONS_FILE.name}: {country} is served by two missions")
            by_country[country] = mission
    return by_country


def mission_key(mission):
    """A mission's stable name: its packet's file name without ".pdf" (DE-embassy-berlin), the
    delivery log's key for it (no two rows of the missions file share host, type and city)."""
    return f"{mission.host_country}-{file_name_part(mission.type)}-{file_name_part(mission.city) or 'capital'}"


def mission_for(country):
    """The mission that receives the signers of `country` (ISO code), or None."""
    return _mission_by_country().get(country)


def signer_country(code, language):
    """The name of a signer's country in `language`, or "Not given" for a row without one."""
    return country_name(code, language) if code else pgettext("dashboard", "Not given")


def _mission_name(mission, language):
    return mission.name_en if language == "en" else mission.name_zh


def _in_both(make):
    """[(text, face)] of make() in English, then in Chinese."""
    lines = []
    for language in LANGUAGES:
        with in_language(language):
            lines.append((make(language), "ko" if language == "en" else CHINESE))
    return lines


def _footer_line(when):
    # Translators: Footer of every page of a delivery packet. %(time)s is a date and time in UTC; %(page)s and %(pages)s are numbers.
    return pgettext("packet", "Generated %(time)s · page %(page)s of %(pages)s", time=when, page="{page}",
                    pages="{pages}")


def _footer(generated_at):
    when = generated_at.strftime("%Y-%m-%d %H:%M UTC")
    return tuple((face, text) for text, face in _in_both(lambda language: _footer_line(when)))


def signer_row(row):
    return ((display_name(row), row.locale), (row.city, row.locale), (signer_country(row.country, CHINESE), CHINESE))


def packets(definition, generated_at):
    by_country = totals_by("xi", "country")
    total = sum(by_country.values())
    groups = {}
    for country, number in by_country.items():
        mission = mission_for(country) if country else None
        groups.setdefault(mission, []).append((country, number))
    packets = []
    for mission, countries in sorted(groups.items(), key=lambda item: _order(item[0])):
        countries.sort(key=lambda pair: (-pair[1], pair[0] or ""))
        count = sum(number for _country, number in countries)
        codes = tuple(country for country, _number in countries)
        if mission is None:
            filename, recipient = "no-mission-on-file.pdf", _in_both(lambda language: _no_mission())
        else:
            filename = f"{mission_key(mission)}.pdf"
            # Chinese first: the packet opens with the name the mission gives itself.
            recipient = _in_both(lambda language: _mission_name(mission, language))[::-1]
        summary = _in_both(lambda language: _summary(count, total))
        packets.append(Packet(
            filename=filename, title=mission.name_en if mission else recipient[0][0], count=count,
            recipient_key=mission_key(mission) if mission else None,
            title_lines=(*recipient, *_in_both(lambda language: str(definition.title)), *summary),
            sections=(_totals_section(countries), *_letters(definition, mission)),
            signers=SignerList(heading=_signers_heading(count), columns=_signer_columns(),
                               conditions=_country_condition(codes), row=signer_row),
            footer=_footer(generated_at),
        ))
    return packets


def _letters(definition, mission):
    """The letter in each delivered language, addressed through `mission` (None: the embassies in general)."""
    return [Section(face="ko" if language == "en" else CHINESE, heading=native_name(language),
                    blocks=tuple(letter_blocks(definition, language,
                                               mission=_mission_name(mission, language) if mission else None)))
            for language in LANGUAGES]


def _no_mission():
    # Translators: Delivery packet of the Xi letter for signers from countries where no PRC mission is on file.
    return pgettext("packet", "Signers from countries with no embassy or consulate on file")


def _summary(count, total):
    # Translators: Delivery packet of the Xi letter, under its title. %(count)s and %(total)s are numbers.
    return ngettext("%(count)s person from the countries below signed this petition, of %(total)s signers worldwide.",
                    "%(count)s people from the countries below signed this petition, of %(total)s signers worldwide.",
                    count, count=format_decimal(count), total=format_decimal(total))


def _order(mission):
    return (1, "", "", "") if mission is None else (0, mission.host_country, mission.type != "embassy", mission.city)


def _country_condition(codes):
    known = tuple(code for code in codes if code)
    condition = Signature.country.in_(known)
    return (condition | Signature.country.is_(None),) if None in codes else (condition,)


def _bilingual(make):
    english, chinese = _in_both(lambda language: make())
    return f"{english[0]} / {chinese[0]}"


def _totals_heading():
    # Translators: Delivery packet of the Xi letter: heading of the table of signatures per country.
    return pgettext("packet", "Signatures by country")


def _totals_section(countries):
    heading = _bilingual(_totals_heading)
    columns = (Column(_bilingual(_country_label), 120),
               Column(_bilingual(lambda: pgettext("dashboard column", "Signatures")), 40, align="R"))
    rows = tuple((f"{signer_country(code, 'en')} / {signer_country(code, CHINESE)}", f"{number:,}")
                 for code, number in countries)
    return Section(face="ko", heading=heading, columns=columns, rows=rows)


def _signers_heading(count):
    # Translators: Delivery packet: heading of the list of signers. %(count)s is a number.
    return _bilingual(lambda: ngettext("Signer (%(count)s)", "Signers (%(count)s)", count, count=format_decimal(count)))


def _signer_columns():
    return (Column(_bilingual(_name_label), 70), Column(_bilingual(_city_label), 55),
            Column(_bilingual(_country_label), 55))


def _name_label():
    # Translators: Delivery packet: column heading of the list of signers: the signer's name.
    return pgettext("packet", "Name")


def _city_label():
    # Translators: Delivery packet: column heading of the list of signers: the city they live in.
    return pgettext("packet", "City")


def _country_label():
    # Translators: Delivery packet: column heading: the country signers live in.
    return pgettext("packet", "Country")


__all__ = ["mission_for", "mission_key", "missions", "packets"]
