"""What a packet contains, as data, and the one renderer that draws any packet.

A campaign module (congress.py, xi.py, unhcr.py here) describes its packets as Packet values;
building them (build.py) collects every character they will draw, subsets the fonts once, and
renders each packet with `render`.
"""
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from babel import UnknownLocaleError
from flask_babel import format_decimal, ngettext, pgettext

from ..i18n import current_language, language_name
from ..mail.compose import in_language
from .document import Column, PacketDocument, signer_cells
from .fonts import FACE_INDEX, LATIN_FACE
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
    # The campaign's summary (congress): built even when nobody signed, listed before the recipients.
    summary: bool = False


@dataclass(frozen=True)
class CampaignPackets:
    """A campaign's packets as build.packets_for describes them: a packet only for a recipient
    with signers (and the summary), and what the dashboard says about the others."""

    packets: tuple  # of Packet
    total: int  # signatures in the campaign's count (organisations for the coalition letter)
    skipped: int  # recipients with no signers, hence no packet (a summary lists them with 0)


def language_face(language):
    """The face that draws text written in `language` (Latin text: LATIN_FACE)."""
    return language if language in FACE_INDEX else LATIN_FACE


def footer(generated_at):
    """The footer of every page, in the packet's language (the current one)."""
    when = generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    # Translators: Footer of every page of a delivery packet. %(time)s is a date and time in UTC; %(page)s and %(pages)s are numbers.
    line = pgettext("packet", "Generated %(time)s from the signatures counted by then · Page %(page)s of %(pages)s",
                    time=when, page="{page}", pages="{pages}")
    return ((language_face(current_language()), line),)


@dataclass(frozen=True)
class VersionNote:
    """The note after a packet's list of signers: the versions of the letter text they signed
    (letter.letter_version), in each of the packet's languages, telling the current text from an
    earlier one, so a change of wording never passes silently as what earlier signers agreed to."""

    languages: tuple  # the packet's languages (definition.delivered_languages)
    current: dict  # language tag -> version of the letter as it reads now

    def lines(self, tally):
        """[(kind, text, face)]: a heading, then in each language an explanation and a line per
        version. `tally`: {(version or None, language signed in): number of signers}."""
        headings = []
        for language in self.languages:
            with in_language(language):
                # Translators: Delivery packet: heading of the note, after the list of signers, on the versions of the letter text they signed.
                headings.append(pgettext("packet", "Letter text versions"))
        lines = [("heading", " / ".join(headings), language_face(self.languages[-1]))]
        ordered = sorted(tally.items(), key=lambda item: (-item[1], item[0][1] or "", item[0][0] or ""))
        for language in self.languages:
            face = language_face(language)
            with in_language(language):
                # Translators: Delivery packet: explains the lines below it, e.g. "3f2a9c1b07de, English, the current text: 120 signers".
                lines.append(("p", pgettext("packet", "Each signature records the version of the letter text its "
                                                      "signer read, in the language they signed in: the first "
                                                      "characters of a SHA-256 fingerprint of that text."), face))
                lines.extend(("p", self._line(version, signed_in, count), face)
                             for (version, signed_in), count in ordered)
        return lines

    def _line(self, version, signed_in, count):
        language, number = _language_name(signed_in), format_decimal(count)
        if version is None:
            # Translators: Delivery packet, note on letter versions: signatures stored before versions were recorded. %(language)s is a language's name, %(count)s a number.
            return ngettext("No version recorded, %(language)s: %(count)s signer",
                            "No version recorded, %(language)s: %(count)s signers", count, language=language,
                            count=number)
        if version == self.current.get(signed_in):
            # Translators: Delivery packet, note on letter versions. %(version)s is a code such as 3f2a9c1b07de; %(language)s a language's name; %(count)s a number.
            return ngettext("%(version)s, %(language)s, the current text: %(count)s signer",
                            "%(version)s, %(language)s, the current text: %(count)s signers", count, version=version,
                            language=language, count=number)
        # Translators: Delivery packet, note on letter versions: signers who read a wording that has since changed. %(version)s is a code such as 3f2a9c1b07de; %(language)s a language's name; %(count)s a number.
        return ngettext("%(version)s, %(language)s, an earlier text: %(count)s signer",
                        "%(version)s, %(language)s, an earlier text: %(count)s signers", count, version=version,
                        language=language, count=number)

    def specimen(self, pairs):
        """Every (text, face) lines() can draw for signers of `pairs` (version, language): the
        fonts of a build must hold them before the first packet is drawn."""
        for count in (1, 2):  # both plural forms
            for _kind, text, face in self.lines(Counter({pair: count for pair in pairs})):
                yield text, face
        for language in self.languages:
            with in_language(language):
                yield format_decimal(1234567890), language_face(language)


def _language_name(tag):
    try:
        return language_name(tag)
    except (ValueError, UnknownLocaleError):
        return tag


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


def render(packet, fonts, generated_at, slug, note=None):
    """Draw `packet`; returns the PDF's bytes. `note` (a VersionNote) follows the list of signers."""
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
        tally = Counter()  # (letter version, language signed in) -> signers listed

        def rows():
            for row in listed(slug, *packet.signers.conditions):
                tally[row.letter_version, row.locale] += 1
                yield signer_cells(packet.signers.row, row)

        document.heading(packet.signers.heading, packet.signers.face)
        document.table(packet.signers.columns, rows())
        if note and tally:
            for kind, text, face in note.lines(tally):
                if kind == "heading":
                    document.heading(text, face)
                else:
                    document.paragraph(text, face)
    data = bytes(document.output())
    missing = document.missing_glyphs()
    if missing:  # would print as empty boxes: a bug in collecting the build's characters
        raise RuntimeError(f"{packet.filename}: no glyph for {''.join(sorted(missing))!r}")
    return data


__all__ = ["CampaignPackets", "Column", "Packet", "Section", "SignerList", "VersionNote", "footer", "language_face",
           "packet_texts", "render"]
