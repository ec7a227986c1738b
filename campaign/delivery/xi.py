"""Packets of `xi`: one per PRC embassy or consulate that has signers to receive, in English and
Chinese (the letter is delivered in both: definition.delivered_languages).

Signers are grouped by country. A country goes to the PRC embassy that serves it
(campaign/data/embassies/prc_missions.csv: the Paris embassy also serves Monaco), else to a
consulate in it when no embassy is on file (Germany), else into `no-mission-on-file.pdf`, for
organisers to decide. The labels come from the catalogs, drawn in English and in Chinese.
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
    mission: str  # Wikidata QID
    type: str  # embassy, consulate general, consulate
    host_country: str
    serves: tuple
    city: str
    website: str


@lru_cache(maxsize=1)
def missions():
    with MISSIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return tuple(Mission(row["mission"], row["type"], row["host_country"], tuple(row["serves"].split()),
                             row["city"], row["website"]) for row in csv.DictReader(handle))


def mission_for(country):
    """The mission that receives the signers of `country` (ISO code), or None."""
    embassy = next((m for m in missions() if m.type == "embassy" and country in m.serves), None)
    return embassy or next((m for m in missions() if m.host_country == country), None)


def signer_country(code, language):
    """The name of a signer's country in `language`, or "Not given" for a row without one."""
    return country_name(code, language) if code else pgettext("dashboard", "Not given")


def _mission_name(mission, language):
    country = country_name(mission.host_country, language)
    if mission.type == "embassy":
        # Translators: Delivery packet of the Xi letter: the embassy it is handed in at. %(country)s is a country's name.
        return pgettext("packet", "Embassy of the People’s Republic of China in %(country)s", country=country)
    # Translators: Delivery packet of the Xi letter: a consulate it is handed in at. %(city)s is a city (in English); %(country)s a country.
    return pgettext("packet", "Consulate of the People’s Republic of China in %(city)s, %(country)s",
                    city=mission.city, country=country)


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
    by_country = totals_by("xi", Signature.country)
    total = sum(by_country.values())
    groups = {}
    for country, number in by_country.items():
        mission = mission_for(country) if country else None
        groups.setdefault(mission, []).append((country, number))
    letters = [Section(face="ko" if language == "en" else CHINESE, heading=native_name(language),
                       blocks=tuple(letter_blocks(definition, language))) for language in LANGUAGES]
    packets = []
    for mission, countries in sorted(groups.items(), key=lambda item: _order(item[0])):
        countries.sort(key=lambda pair: (-pair[1], pair[0] or ""))
        count = sum(number for _country, number in countries)
        codes = tuple(country for country, _number in countries)
        if mission is None:
            filename, recipient = "no-mission-on-file.pdf", _in_both(lambda language: _no_mission())
        else:
            filename = f"{mission.host_country}-{file_name_part(mission.type)}-{file_name_part(mission.city) or 'capital'}.pdf"
            recipient = _in_both(lambda language: _mission_name(mission, language))
        summary = _in_both(lambda language: _summary(count, total))
        packets.append(Packet(
            filename=filename, title=recipient[0][0], count=count,
            title_lines=(*recipient, *_in_both(lambda language: str(definition.title)), *summary),
            sections=(_totals_section(countries), *letters),
            signers=SignerList(heading=_signers_heading(count), columns=_signer_columns(),
                               conditions=_country_condition(codes), row=signer_row),
            footer=_footer(generated_at),
        ))
    return packets


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


__all__ = ["mission_for", "missions", "packets"]
