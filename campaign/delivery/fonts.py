"""Fonts for delivery packets: Noto Sans CJK (the `noto-cjk-sans-otc` package), one face per script.

The collection's faces draw the same Han character in the form each reader expects (Korean,
mainland, Taiwan); a name is drawn in the face of its writer: Hangul in the Korean face, Han
characters in the face of the language the person signed in. Latin glyphs are the same in every
face, so Latin text uses the Korean face.

Loading the 19 MB collection costs a quarter of a second per PDF, too slow for a packet per member
of Congress. So a build first subsets each face once to the characters the whole build uses
(letters, labels and every signer's name and city), and each PDF loads those small fonts.
They are also converted from CFF to TrueType outlines: fpdf2 subsets the font again for each
PDF, and compiling CFF (which runs every glyph program to find its bounds) took 40 ms a PDF.
"""
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from noto_cjk_sans_otc import FONT_PATH

from ..i18n import han_variant

# Index of each face in NotoSansCJK-Regular.ttc.
FACE_INDEX = {"ja": 0, "ko": 1, "zh-Hans": 2, "zh-Hant": 3}
# The face for each form of Han characters (i18n.han_variant); SC for a language that has none.
HAN_FACES = {"JP": "ja", "KR": "ko", "SC": "zh-Hans", "TC": "zh-Hant", "HK": "zh-Hant"}
LATIN_FACE = "ko"


def _is_hangul(ch):
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_han(ch):
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH"))


def face_for(text, language):
    """The face to draw `text` in, written by someone who signed in `language`."""
    if any(_is_hangul(ch) for ch in text):
        return "ko"
    if any(_is_han(ch) for ch in text):
        # The form the signer's language writes Han characters in (Japanese kanji, Korean hanja...).
        return HAN_FACES.get(han_variant(language) if language else None, "zh-Hans")
    return LATIN_FACE


@dataclass
class CharacterSets:
    """The characters each face must draw in one build."""

    by_face: dict = field(default_factory=lambda: {face: set() for face in FACE_INDEX})

    def add(self, text, face):
        if text:
            self.by_face[face].update(text)

    def add_written(self, text, language):
        if text:
            self.add(text, face_for(text, language))


class FontSet:
    """The subset fonts of one build, in a temporary directory removed on close()."""

    def __init__(self, characters):
        self._directory = tempfile.TemporaryDirectory(prefix="packet-fonts-")
        self.paths = {}
        self.line_cache = {}  # (text, face, size, indent) -> lines, shared by the build's documents
        for face, chars in characters.by_face.items():
            if not chars and face != LATIN_FACE:
                continue  # nothing to draw in it (a quarter of a second per face); page furniture is Latin
            # Digits and the punctuation the document itself adds (bullets, ellipses) are always there.
            text = "".join(sorted(chars | set(" 0123456789-–—.,:;()/#%+…·•'\"“”’")))
            self.paths[face] = self._subset(face, text)

    def _subset(self, face, text):
        font = TTFont(str(FONT_PATH), fontNumber=FACE_INDEX[face], recalcTimestamp=False, lazy=False)
        options = subset.Options()
        options.layout_features = []  # no shaping in packets: names, cities and prose
        options.hinting = False
        options.notdef_outline = True
        options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # copyright, names, version (the OFL asks to keep them)
        # Tables for shaping and vertical text, which packets do not use: each would be copied into
        # every PDF's font again.
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
        options.desubroutinize = True
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=text)
        subsetter.subset(font)
        to_truetype(font)
        path = Path(self._directory.name) / f"noto-sans-cjk-{face}.ttf"
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
