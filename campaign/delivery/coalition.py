"""The packet of `coalition`: one PDF for the President of the United States, in English (whatever
the organiser's page language): the letter and the organisations that signed it (the founding
signatories named in the seed, then those an organiser approved), with their English name and
country. Contacts are never printed."""
from flask_babel import format_decimal, ngettext, pgettext

from ..i18n import current_language
from ..petitions.organisations import signatories
from ..places import country_name
from .letter import letter_blocks
from .packet import Packet, Section, footer, language_face


def _line(number, signatory):
    """"3. 북한인권시민연합 (Citizens' Alliance for North Korean Human Rights), South Korea": whole
    names, wrapped rather than cut as table cells would be."""
    line = f"{number}. {signatory.name}"
    if signatory.name_en and signatory.name_en != signatory.name:
        line += f" ({signatory.name_en})"
    if signatory.country:
        line += f", {country_name(signatory.country, current_language())}"
    return line


def packets(definition, generated_at):
    face = language_face(current_language())
    listed = signatories(definition)
    lines = tuple(_line(number, signatory) for number, signatory in enumerate(listed, start=1))
    return [Packet(
        # Translators: The recipient of the organisations' letter's delivery packet, as the organisers' packets page lists it.
        filename="coalition.pdf", title=pgettext("packet", "The President of the United States"), count=len(listed),
        recipient_key="president", listed_rows=tuple((line,) for line in lines),
        # Translators: Title of the delivery packet of the organisations' letter.
        title_lines=((pgettext("packet", "To the President of the United States"), face),
                     (str(definition.title), face),
                     # Translators: Delivery packet of the organisations' letter, under its title. %(count)s is a number.
                     (ngettext("Signed by %(count)s organization.", "Signed by %(count)s organizations.", len(listed),
                               count=format_decimal(len(listed))), face)),
        sections=(Section(face=face, blocks=tuple(letter_blocks(definition, current_language()))),
                  # Translators: Delivery packet of the organisations' letter: heading of the list of organisations that signed it.
                  Section(face=face, heading=pgettext("packet", "Signatory organizations"), paragraphs=lines)),
        footer=footer(generated_at),
    )]
