"""The packet of `unhcr`: one PDF for the UN High Commissioner for Refugees, in English (the
petition's only delivered language): the petition, the total, the count per country and the
signers (name and country; the form asks for nothing more)."""
from ..models import Signature
from ..places import country_name
from .document import Column
from .letter import letter_blocks
from .packet import Packet, Section, SignerList
from .signers import display_name, totals_by

def country(code):
    return country_name(code, "en") if code else "Not given"


def signer_row(row):
    return ((display_name(row), row.locale), (country(row.country), None))


def packets(definition, generated_at):
    by_country = totals_by("unhcr", Signature.country)
    total = sum(by_country.values())
    countries = sorted(by_country.items(), key=lambda pair: (-pair[1], country(pair[0])))
    when = generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    people = "person" if total == 1 else "people"
    return [Packet(
        filename="unhcr.pdf", title="UN High Commissioner for Refugees", count=total,
        title_lines=(("To the United Nations High Commissioner for Refugees", "ko"), (str(definition.title), "ko"),
                     (f"{total:,} {people} in {len(countries)} countries and territories signed this petition.",
                      "ko")),
        sections=(Section(blocks=tuple(letter_blocks(definition, "en"))),
                  Section(heading="Signatures by country", columns=(Column("Country", 120),
                                                                     Column("Signatures", 40, align="R")),
                          rows=tuple((country(code), f"{number:,}") for code, number in countries))),
        signers=SignerList(heading=f"Signers ({total:,})", columns=(Column("Name", 90), Column("Country", 80)),
                           conditions=(), row=signer_row),
        footer=(("ko", f"Generated {when} from the signatures counted by then · Page {{page}} of {{pages}}"),),
    )]
