"""What a packet contains, as data, and the one renderer that draws any packet.

A campaign module (congress.py, xi.py, unhcr.py here) describes its packets as Packet values;
building them (build.py) collects every character they will draw, subsets the fonts once, and
renders each packet with `render`.
"""
import hashlib
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
    # The office it is delivered to (delivery/recipients.py: a member's bioguide id, a mission's
    # key, "unhcr", "president"); None for a packet no office receives (the congress summary).
    recipient_key: str | None = None
    # ((language, letter version), ...) of the letter texts it prints, in the packet's languages
    # (build.packets_for sets it): part of its fingerprint, whose note is printed in each.
    letters: tuple = ()
    # Rows a packet lists in its sections instead of a signer table (the coalition's
    # organisations), as tuples of text: part of its fingerprint like signer rows.
    listed_rows: tuple = field(default=(), compare=False)


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


class PacketFingerprint:
    """The fingerprint a packet prints at its end, and the delivery log records.

    A PDF cannot contain its own SHA-256 (printing the hash changes the file), and the file's hash
    changes with things that are not what is delivered (the time printed in the footer, the
    fonts). So the fingerprint is the SHA-256 of a plain-text list of what the packet delivers,
    which anyone holding the same signatures can write out again and hash (README, "Delivery log"):

        packet-fingerprint<TAB>1
        campaign<TAB><slug>
        recipient<TAB><the packet's recipient, as the packets page lists it>
        letter<TAB><language><TAB><version>       one per letter text printed (letter.letter_version)
        row<TAB><cell><TAB><cell>...             one per signer row, in the order printed

    UTF-8, each line ending in a line feed; a cell is its full text (a long one may be printed
    shortened with "…"), an empty cell is empty, and a backslash, tab, carriage return or line
    feed inside one is written \\\\, \\t, \\r, \\n. The same recipient, letter and signers give the
    same fingerprint whenever the packet is built; one more signer, a hidden signature or a
    changed letter gives another. The dashboard's delivery form computes it from the current
    signatures without drawing the packet (fingerprint_of).
    """

    VERSION = "1"

    def __init__(self, slug, packet):
        self._hash = hashlib.sha256()
        self._line("packet-fingerprint", self.VERSION)
        self._line("campaign", slug)
        self._line("recipient", packet.title)
        for language, version in packet.letters:
            self._line("letter", language, version)
        for row in packet.listed_rows:
            self.add_row(row)

    @staticmethod
    def _escape(text):
        return (str(text or "").replace("\\", "\\\\").replace("\t", "\\t").replace("\r", "\\r")
                .replace("\n", "\\n"))

    def _line(self, *fields):
        self._hash.update(("\t".join(self._escape(value) for value in fields) + "\n").encode("utf-8"))

    def add_row(self, texts):
        """A row as printed: its cells' texts, in column order."""
        self._line("row", *texts)

    def hexdigest(self):
        return self._hash.hexdigest()


def fingerprint_of(packet, slug):
    """The fingerprint `packet` prints, from the signatures as they are now (no PDF is drawn)."""
    fingerprint = PacketFingerprint(slug, packet)
    if packet.signers:
        for row in listed(slug, *packet.signers.conditions):
            fingerprint.add_row(text for text, _language in signer_cells(packet.signers.row, row))
    return fingerprint.hexdigest()


def grouped(digest):
    """A hex digest in groups of eight, as the packet prints it (easier to read aloud and compare)."""
    return " ".join(digest[index:index + 8] for index in range(0, len(digest), 8))


def _fingerprint_lines(packet, digest):
    """[(kind, text, face)]: the heading and explanation in each of the packet's languages, then
    the fingerprint itself."""
    languages = [language for language, _version in packet.letters] or [current_language()]
    headings = []
    for language in languages:
        with in_language(language):
            # Translators: Delivery packet: heading of its last part, the fingerprint of what it delivers (a SHA-256 hash).
            headings.append(pgettext("packet", "Fingerprint of this packet"))
    lines = [("heading", " / ".join(headings), language_face(languages[-1]))]
    for language in languages:
        with in_language(language):
            # Translators: Delivery packet: explains the fingerprint (a SHA-256 hash) printed under it. Keep "SHA-256".
            lines.append(("p", pgettext("packet", "SHA-256 of this packet’s recipient, the versions of its letter "
                                                  "and its list of signers in the order printed. The organisers "
                                                  "record it with the delivery; anyone with the same list can "
                                                  "compute it again."), language_face(language)))
    lines.append(("p", grouped(digest), LATIN_FACE))
    return lines


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
    for row in packet.listed_rows:
        for text in row:
            yield str(text), LATIN_FACE
    # The fingerprint's note: its words, and every hex digit it may print.
    for _kind, text, face in _fingerprint_lines(packet, "0123456789abcdef" * 4):
        yield text, face
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
    fingerprint = PacketFingerprint(slug, packet)
    if packet.signers:
        tally = Counter()  # (letter version, language signed in) -> signers listed

        def rows():
            for row in listed(slug, *packet.signers.conditions):
                tally[row.letter_version, row.locale] += 1
                cells = signer_cells(packet.signers.row, row)
                fingerprint.add_row(text for text, _language in cells)
                yield cells

        document.heading(packet.signers.heading, packet.signers.face)
        document.table(packet.signers.columns, rows())
        if note and tally:
            for kind, text, face in note.lines(tally):
                if kind == "heading":
                    document.heading(text, face)
                else:
                    document.paragraph(text, face)
    for kind, text, face in _fingerprint_lines(packet, fingerprint.hexdigest()):
        if kind == "heading":
            document.heading(text, face)
        else:
            document.paragraph(text, face)
    data = bytes(document.output())
    missing = document.missing_glyphs()
    if missing:  # would print as empty boxes: a bug in collecting the build's characters
        raise RuntimeError(f"{packet.filename}: no glyph for {''.join(sorted(missing))!r}")
    return data


__all__ = ["CampaignPackets", "Column", "Packet", "PacketFingerprint", "Section", "SignerList", "VersionNote",
           "fingerprint_of", "footer", "grouped", "language_face", "packet_texts", "render"]
