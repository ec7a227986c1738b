"""The packet of `coalition`: one PDF for the President of the United States, in English: the
letter and the organisations that signed it (the founding signatories named in the seed, then
those an organiser approved), with their English name and country. Contacts are never printed."""
from ..petitions.organisations import signatories
from ..places import country_name
from .letter import letter_blocks
from .packet import Packet, Section



def _line(number, signatory):
    """"3. 북한인권시민연합 (Citizens' Alliance for North Korean Human Rights), South Korea": whole
    names, wrapped rather than cut as table cells would be."""
    line = f"{number}. {signatory.name}"
    if signatory.name_en and signatory.name_en != signatory.name:
        line += f" ({signatory.name_en})"
    if signatory.country:
        line += f", {country_name(signatory.country, 'en')}"
    return line


def packets(definition, generated_at):
    listed = signatories(definition)
    when = generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    lines = tuple(_line(number, signatory) for number, signatory in enumerate(listed, start=1))
    noun = "organization" if len(listed) == 1 else "organizations"
    return [Packet(
        filename="coalition.pdf", title="The President of the United States", count=len(listed),
        title_lines=(("To the President of the United States", "ko"), (str(definition.title), "ko"),
                     (f"Signed by {len(listed)} {noun}.", "ko")),
        sections=(Section(blocks=tuple(letter_blocks(definition, "en"))),
                  Section(heading="Signatory organizations", paragraphs=lines)),
        footer=(("ko", f"Generated {when} · Page {{page}} of {{pages}}"),),
    )]
