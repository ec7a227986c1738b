"""Fonts for delivery packets: Noto Sans CJK (package noto-cjk-sans-otc) for Korean, Chinese,
Japanese and most Latin text, and Noto Sans for every other script a name may be written in
(package manimgx-fonts: Latin, Greek and Cyrillic letters the CJK faces lack, Arabic, Hebrew,
Devanagari, Thai and fourteen more scripts, symbols and monochrome emoji). No system font is used.

The CJK collection's faces draw the same Han character in the form each reader expects; a name is
drawn in the face of its writer: Hangul in the Korean face, kana (and the Han characters beside
them) in the Japanese one, other Han characters in the face of the language the person signed in.
Latin glyphs are the same in every CJK face, so Latin text uses the Korean face, unless it holds a
letter that face lacks (ł, ș, ğ…): then the whole name is drawn in Noto Sans, one face per name.
A text no single face covers is drawn in its own face with single characters from the first
fallback face that has them (`Written.fallbacks`). A character no face has is drawn as U+FFFD
(in Noto Sans) and reported by the build: a packet never stops because of a name.

Most names need no shaping and are drawn with fpdf2's fast low-level text(). Names that do
(right-to-left text, joined or combining letters: Arabic, Devanagari, Thai marks…) or that need
fallback faces are drawn with fpdf2's text shaping (HarfBuzz, package uharfbuzz): `Written.shaped`.

Loading the 19 MB collection costs a quarter of a second per PDF, too slow for a packet per member
of Congress. So a build first subsets each face once to the characters the whole build uses
(letters, labels and every signer's name and city), and each PDF loads those small fonts.
CJK faces are also converted from CFF to TrueType outlines: fpdf2 subsets the font again for each
PDF, and compiling CFF (which runs every glyph program to find its bounds) took 40 ms a PDF.
The other faces are variable fonts whose default instance is the regular weight: their variation
tables are dropped, which leaves it.
"""
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import manimgx_fonts
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from noto_cjk_sans_otc import FONT_PATH

from ..i18n import han_variant
from ..petitions.validation import without_invisible_formatting

# Index of each face in NotoSansCJK-Regular.ttc.
FACE_INDEX = {"ja": 0, "ko": 1, "zh-Hans": 2, "zh-Hant": 3}
# The face for each form of Han characters (i18n.han_variant); SC for a language that has none.
HAN_FACES = {"JP": "ja", "KR": "ko", "SC": "zh-Hans", "TC": "zh-Hant", "HK": "zh-Hant"}
LATIN_FACE = "ko"
NOTO_DIRECTORY = Path(manimgx_fonts.__file__).resolve().parent
# Noto Sans faces, in the order they are tried for a character the text's own face lacks.
FALLBACK_FILES = {
    "sans": "NotoSans[wght].ttf",  # Latin, Greek and Cyrillic, and U+FFFD
    "arabic": "NotoSansArabic[wght].ttf",
    "hebrew": "NotoSansHebrew[wght].ttf",
    "devanagari": "NotoSansDevanagari[wght].ttf",
    "thai": "NotoSansThai[wght].ttf",
    "armenian": "NotoSansArmenian[wght].ttf",
    "bengali": "NotoSansBengali[wght].ttf",
    "ethiopic": "NotoSansEthiopic[wght].ttf",
    "georgian": "NotoSansGeorgian[wght].ttf",
    "gujarati": "NotoSansGujarati[wght].ttf",
    "gurmukhi": "NotoSansGurmukhi[wght].ttf",
    "kannada": "NotoSansKannada[wght].ttf",
    "khmer": "NotoSansKhmer[wght].ttf",
    "lao": "NotoSansLao[wght].ttf",
    "malayalam": "NotoSansMalayalam[wght].ttf",
    "myanmar": "NotoSansMyanmar[wght].ttf",
    "oriya": "NotoSansOriya[wght].ttf",
    "sinhala": "NotoSansSinhala[wght].ttf",
    "tamil": "NotoSansTamil[wght].ttf",
    "telugu": "NotoSansTelugu[wght].ttf",
    "symbols": "NotoSansSymbols[wght].ttf",
    "emoji": "NotoEmoji[wght].ttf",  # monochrome: prints like text
}
FACES = (*FACE_INDEX, *FALLBACK_FILES)
# Faces whose text may be drawn without shaping, when it has no character that needs it.
PLAIN_FACES = (*FACE_INDEX, "sans")
REPLACEMENT = "\ufffd"  # drawn for a character no face has
REPLACEMENT_FACE = "sans"
# Drawn for a text the build did not see (a bug), in LATIN_FACE: every build has that face, not
# always Noto Sans (subsetting it costs 0.15 s).
BOX = "\u25a1"
# Digits and the punctuation the document itself adds (bullets, ellipses), in every face text is set in.
FURNITURE = frozenset(" 0123456789-–—.,:;()/#%+…·•'\"“”’" + BOX)
# Tables of variable fonts: without them, a font is its default instance.
VARIATION_TABLES = ["fvar", "gvar", "avar", "cvar", "HVAR", "VVAR", "MVAR", "STAT"]
# Drawn attached to the character before them: kept in that character's face when it has them.
_ATTACHED_CATEGORIES = {"Mn", "Mc", "Me", "Cf"}
# Invisible characters that only change the character before them (joiners, variation selectors):
# left out when that character's face lacks them, rather than drawn alone in another face.
_IGNORABLE = re.compile("[\u034f\u200c\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef]")
ZWJ = "\u200d"

_HANGUL = re.compile("[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
_KANA = re.compile("[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


def face_for(text, language):
    """The CJK face to draw `text` in, written by someone who signed in `language`."""
    if _HANGUL.search(text):
        return "ko"
    if _KANA.search(text):
        return "ja"
    if _HAN.search(text):
        # The form the signer's language writes Han characters in (Japanese kanji, Korean hanja...).
        return HAN_FACES.get(han_variant(language) if language else None, "zh-Hans")
    return LATIN_FACE


def tidy(text):
    """`text` as it is drawn: without invisible formatting characters (which no font draws; bidi
    overrides would disguise it), composed (é as one character, as the fonts map it)."""
    if not text.isprintable():  # False for every format character: most names skip the work
        text = without_invisible_formatting(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _needs_shaping(ch):
    return unicodedata.category(ch) in _ATTACHED_CATEGORIES or unicodedata.bidirectional(ch) in ("R", "AL", "AN")


def _font(face, lazy=True):
    if face in FACE_INDEX:
        return TTFont(str(FONT_PATH), fontNumber=FACE_INDEX[face], recalcTimestamp=False, lazy=lazy)
    return TTFont(str(NOTO_DIRECTORY / FALLBACK_FILES[face]), recalcTimestamp=False, lazy=lazy)


@lru_cache(maxsize=None)
def coverage(face):
    """Every character `face` has a glyph for (read once per process: 80 ms for a CJK face)."""
    with _font(face) as font:
        return frozenset(map(chr, font.getBestCmap()))


@lru_cache(maxsize=None)
def plain_coverage(face):
    """The characters of `face` that fpdf2's text() can draw without shaping."""
    if face not in PLAIN_FACES:
        return frozenset()
    return frozenset(ch for ch in coverage(face) if not _needs_shaping(ch))


@dataclass(frozen=True)
class Written:
    """How one text is drawn."""

    text: str  # what is drawn: tidied, a character no face has replaced by U+FFFD
    face: str
    fallbacks: tuple = ()  # (character, face) for characters drawn in another face
    shaped: bool = False  # drawn with text shaping (and fallback faces), not with text()
    unknown: str = ""  # the characters no face has, once each

    def faces(self):
        return {self.face, *(face for _ch, face in self.fallbacks)}


def written(text, language, available, plain, face=None):
    """How `text` (written by someone who signed in `language`, or set in `face`) is drawn, given
    `available(face)` and `plain(face)`: the characters a face has, and those it draws unshaped."""
    text = tidy(text)
    primary = face or face_for(text, language)
    characters = set(text)
    characters.discard("\n")  # line breaks in prose, which fpdf2 handles itself
    if characters <= plain(primary):
        return Written(text, primary)
    if characters <= available(primary):
        return Written(text, primary, shaped=True)
    # One face for the whole text when one has every character (a Polish or Arabic name).
    for candidate in FACES:
        if characters <= available(candidate):
            shaped = not characters <= plain(candidate)
            return Written(text, candidate, shaped=shaped)
    return _mixed(text, primary, available)


def _mixed(text, primary, available):
    """Each character in the face of the character it attaches to (a mark, a joiner, what follows a
    joiner) if that face has it, else in the text's face, else in the first fallback face that
    has it, else U+FFFD. A joiner or variation selector no face of its neighbour has is left out."""
    drawn, fallbacks, unknown = [], {}, []
    previous, previous_face = "", primary
    for ch in text:
        attached = previous == ZWJ or unicodedata.category(ch) in _ATTACHED_CATEGORIES
        if attached and ch in available(previous_face):
            face = previous_face
        elif ch == "\n" or ch in available(primary):
            face = primary
        elif _IGNORABLE.match(ch):
            continue
        else:
            face = next((f for f in FALLBACK_FILES if ch in available(f)), None)
        if face is None:
            if ch not in unknown:
                unknown.append(ch)
            ch = REPLACEMENT if REPLACEMENT in available(REPLACEMENT_FACE) else BOX
            face = primary if ch in available(primary) else REPLACEMENT_FACE if ch == REPLACEMENT else LATIN_FACE
        if face != primary:
            fallbacks.setdefault(ch, face)
        drawn.append(ch)
        previous, previous_face = ch, face
    return Written("".join(drawn), primary, tuple(fallbacks.items()), shaped=True, unknown="".join(unknown))


@dataclass
class CharacterSets:
    """The characters each face must draw in one build, and what could not be drawn."""

    by_face: dict = field(default_factory=lambda: {face: set() for face in FACES})
    undrawable: dict = field(default_factory=dict)  # text → the characters no face has
    unlisted: list = field(default_factory=list)  # ids of signatures whose row could not be made

    def add(self, text, face):
        if text:
            self._add(written(text, None, coverage, plain_coverage, face=face))

    def add_written(self, text, language):
        if text:
            self._add(written(text, language, coverage, plain_coverage))

    def _add(self, drawn):
        if drawn.unknown:
            self.undrawable[drawn.text] = drawn.unknown
        if not drawn.fallbacks:  # nearly every text
            self.by_face[drawn.face].update(drawn.text)
            return
        elsewhere = dict(drawn.fallbacks)
        self.by_face[drawn.face].update(ch for ch in drawn.text if ch not in elsewhere)
        for ch, face in drawn.fallbacks:
            self.by_face[face].add(ch)

    def problems(self):
        """What a build could not draw, in sentences for its report (characters by code point,
        never the names: the report goes to logs)."""
        lines = []
        if self.undrawable:
            characters = sorted(set("".join(self.undrawable.values())))
            number = len(self.undrawable)
            lines.append(f"{number} {'name or place' if number == 1 else 'names or places'} had characters "
                         f"no font can draw, printed as {REPLACEMENT}: "
                         + ", ".join(f"U+{ord(ch):04X}" for ch in characters[:20])
                         + (" …" if len(characters) > 20 else ""))
        if self.unlisted:
            ids = ", ".join(str(number) for number in self.unlisted[:20])
            lines.append(f"{len(self.unlisted)} {'signature' if len(self.unlisted) == 1 else 'signatures'} could "
                         f"not be listed and {'is' if len(self.unlisted) == 1 else 'are'} printed as "
                         f"{REPLACEMENT} (signature {ids}{' …' if len(self.unlisted) > 20 else ''}); see the log.")
        return lines


class FontSet:
    """The subset fonts of one build, in a temporary directory removed on close()."""

    def __init__(self, characters):
        self._directory = tempfile.TemporaryDirectory(prefix="packet-fonts-")
        self.paths = {}
        self.characters = {}  # face → the characters its subset has
        self._plain = {}
        self.line_cache = {}  # (text, face, size, indent) -> lines, shared by the build's documents
        for face, chars in characters.by_face.items():
            if not chars and face != LATIN_FACE:
                continue  # nothing to draw in it (a quarter of a second per CJK face); page furniture is Latin
            if face in PLAIN_FACES:
                chars = chars | FURNITURE
            chars = {ch for ch in chars if ch in coverage(face)}
            self.paths[face] = self._subset(face, "".join(sorted(chars)))
            self.characters[face] = frozenset(chars)
            self._plain[face] = self.characters[face] & plain_coverage(face)

    def available(self, face):
        return self.characters.get(face, frozenset())

    def plain(self, face):
        return self._plain.get(face, frozenset())

    def written(self, text, language=None, face=None):
        """How `text` is drawn with this build's fonts."""
        return written(text, language, self.available, self.plain, face=face)

    def _subset(self, face, text):
        with _font(face, lazy=face not in FACE_INDEX) as font:
            return self._save_subset(face, font, text)

    def _save_subset(self, face, font, text):
        options = subset.Options()
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version (the OFL asks to keep them)
        options.desubroutinize = True
        if face in FACE_INDEX:
            options.layout_features = []  # CJK, Latin and Hangul are drawn without shaping
            # Tables for shaping and vertical text, which these faces do not use: each would be
            # copied into every PDF's font again.
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
        else:
            options.layout_features = ["*"]  # joining, conjuncts and marks are the shaping's work
            options.drop_tables += ["vhea", "vmtx", "DSIG", *VARIATION_TABLES]
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        if face in FACE_INDEX:
            to_truetype(font)
        path = Path(self._directory.name) / f"noto-{face}.ttf"
        font.save(str(path))
        return path

    def close(self):
        self._directory.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def to_truetype(font, max_error=1.0):
    """Replace the CFF outlines of `font` with TrueType (quadratic) ones, in place."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        pen = TTGlyphPen(glyph_set)
        # CFF contours run counter-clockwise, TrueType ones clockwise.
        glyph_set[name].draw(Cu2QuPen(pen, max_error, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    glyf.compile(font)
    for name, glyph in glyphs.items():  # left side bearings follow the new outlines
        advance, _ = font["hmtx"].metrics[name]
        font["hmtx"].metrics[name] = (advance, getattr(glyph, "xMin", 0))
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    for field_name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                       "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, field_name, 0)
    maxp.maxPoints = maxp.maxContours = maxp.maxCompositePoints = maxp.maxCompositeContours = 0
    maxp.maxComponentDepth = 0
    maxp.numGlyphs = len(glyph_order)
    font["maxp"] = maxp
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font["post"].glyphOrder = glyph_order
    font.sfntVersion = "\x00\x01\x00\x00"
