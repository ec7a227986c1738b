"""What a packet contains, as data, and the one renderer that draws any packet.

A campaign module (congress.py, xi.py, unhcr.py here) describes its packets as Packet values;
building them (build.py) collects every character they will draw, subsets the fonts once, and
renders each packet with `render`.
"""
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from .document import Column, PacketDocument
from .fonts import LATIN_FACE
from .signers import listed


@dataclass(frozen=True)
class Section:
    face: str = LATIN_FACE
    heading: str | None = None
    paragraphs: tuple = ()
    blocks: tuple = ()  # letter.Block values
    # A small table held in memory (totals per country, per member): columns and rows of text.
    columns: tuple = ()
    rows: tuple = ()


@dataclass(frozen=True)
class SignerList:
    """The table of signers, read from the database while it is drawn."""

    heading: str
    columns: tuple  # of Column
    conditions: tuple  # SQL conditions on Signature, besides campaign and status
    row: Callable  # a row of signers.LISTED_COLUMNS -> tuple of (text, language) per column
    face: str = LATIN_FACE


@dataclass(frozen=True)
class Packet:
    filename: str  # relative path inside the output directory, e.g. "house/CA-40-young-kim.pdf"
    title: str  # its recipient, as the dashboard lists it
    count: int  # signatures it delivers (in the totals)
    title_lines: tuple  # (text, face): the title and the lines under it
    sections: tuple = ()
    signers: SignerList | None = None
    footer: tuple = ()  # (face, text) lines; "{page}" and "{pages}" are replaced on each page
    extra_text: tuple = field(default=(), compare=False)  # (text, face) drawn elsewhere, for fonts


def file_name_part(text):
    """`text` as part of a packet's file name: ASCII letters, digits and dashes (Nydia M. Velázquez
    → nydia-m-velazquez)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def packet_texts(packet):
    """Every (text, face) the packet draws except the signer rows."""
    yield from packet.title_lines
    for section in packet.sections:
        if section.heading:
            yield section.heading, section.face
        for text in section.paragraphs:
            yield text, section.face
        for block in section.blocks:
            yield block.text, section.face
        for column in section.columns:
            yield column.heading, section.face
        for row in section.rows:
            for text in row:
                yield str(text), section.face
    if packet.signers:
        yield packet.signers.heading, packet.signers.face
        for column in packet.signers.columns:
            yield column.heading, LATIN_FACE
    for face, line in packet.footer:
        yield line, face
    yield from packet.extra_text


def render(packet, fonts, generated_at, slug):
    """Draw `packet`; returns the PDF's bytes."""
    def footer_lines(page, pages):
        return [(face, line.replace("{page}", page).replace("{pages}", pages)) for face, line in packet.footer]

    document = PacketDocument(fonts, packet.title, generated_at, footer_lines)
    (title, title_face), *lines = packet.title_lines
    document.title_block(title, face=title_face)
    for text, face in lines:
        document.paragraph(text, face)
    for section in packet.sections:
        if section.heading:
            document.heading(section.heading, section.face)
        for text in section.paragraphs:
            document.paragraph(text, section.face)
        if section.blocks:
            document.letter(section.blocks, section.face)
        if section.columns:
            document.table(section.columns, [[(str(text), None) for text in row] for row in section.rows])
    if packet.signers:
        document.heading(packet.signers.heading, packet.signers.face)
        document.table(packet.signers.columns,
                       (packet.signers.row(row) for row in listed(slug, *packet.signers.conditions)))
    data = bytes(document.output())
    missing = document.missing_glyphs()
    if missing:  # would print as empty boxes: a bug in collecting the build's characters
        raise RuntimeError(f"{packet.filename}: no glyph for {''.join(sorted(missing))!r}")
    return data


__all__ = ["Column", "Packet", "Section", "SignerList", "packet_texts", "render"]
