"""The packet of `unhcr`: one PDF for the UN High Commissioner for Refugees, in English (the
petition's only delivered language, whatever the organiser's page language): the petition, the
total, the count per country and the signers (name and country; the form asks for nothing more)."""
from flask_babel import format_decimal, ngettext, pgettext

from ..i18n import current_language
from ..places import country_name
from .document import Column
from .letter import letter_blocks
from .packet import Packet, Section, SignerList, footer, language_face
from .signers import display_name, totals_by


def country(code):
    """The country's name in the packet's language, or "Not given"."""
    return country_name(code, current_language()) if code else pgettext("dashboard", "Not given")


def signer_row(row):
    return ((display_name(row), row.locale), (country(row.country), None))


def packets(definition, generated_at):
    face = language_face(current_language())
    by_country = totals_by("unhcr", "country")
    total = sum(by_country.values())
    countries = sorted(by_country.items(), key=lambda pair: (-pair[1], country(pair[0])))
    # Translators: Delivery packet to the UNHCR, under its title. %(count)s is a number.
    signed = ngettext("%(count)s person signed this petition.", "%(count)s people signed this petition.", total,
                      count=format_decimal(total))
    # Translators: Delivery packet to the UNHCR, under its title. %(count)s is a number of countries.
    places = ngettext("Signatures came from %(count)s country or territory.",
                      "Signatures came from %(count)s countries and territories.", len(countries),
                      count=format_decimal(len(countries)))
    # Translators: Delivery packet: column heading of the list of signers: the signer's name.
    name_column = pgettext("packet", "Name")
    country_column = pgettext("packet", "Country")
    return [Packet(
        # Translators: The recipient of the UNHCR petition's delivery packet, as the organisers' packets page lists it.
        filename="unhcr.pdf", title=pgettext("packet", "UN High Commissioner for Refugees"), count=total,
        recipient_key="unhcr",
        # Translators: Title of the delivery packet of the UNHCR petition.
        title_lines=((pgettext("packet", "To the United Nations High Commissioner for Refugees"), face),
                     (str(definition.title), face), (signed, face), (places, face)),
        sections=(Section(face=face, blocks=tuple(letter_blocks(definition, current_language()))),
                  Section(face=face, heading=pgettext("packet", "Signatures by country"),
                          columns=(Column(country_column, 120),
                                   Column(pgettext("dashboard column", "Signatures"), 40, align="R")),
                          rows=tuple((country(code), format_decimal(number)) for code, number in countries))),
        signers=SignerList(heading=ngettext("Signer (%(count)s)", "Signers (%(count)s)", total,
                                            count=format_decimal(total)),
                           columns=(Column(name_column, 90), Column(country_column, 80)), conditions=(),
                           row=signer_row, face=face),
        footer=footer(generated_at),
    )]
