"""One delivery packet as a PDF (fpdf2): title block, letter, totals, and the table of signers.

Output is deterministic: the same signatures and the same `generated_at` give the same bytes
(the creation date is `generated_at`, fonts are subset in a fixed order, rows come in signing
order). Rows are drawn as they are read from the database, with fpdf2's low-level text() rather
than cell(), which is five times slower; a packet holds only its compressed pages in memory.
Text that needs shaping or fallback faces (fonts.Written.shaped: Arabic, Hebrew, Devanagari,
Thai, emoji…) is drawn with cell() and fpdf2's text shaping, one text at a time.
"""
import logging
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import fpdf.fpdf
from fpdf import FPDF
from fpdf.unicode_script import UnicodeScript, get_unicode_script

from .fonts import BOX, LATIN_FACE, REPLACEMENT

logger = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def _script_of_run(char):
    script = get_unicode_script(char)
    return UnicodeScript.COMMON if script == UnicodeScript.INHERITED else script


# fpdf2 (2.8) starts a new run of shaped text at every character of the Unicode script Inherited
# (combining marks, Arabic vowel marks, joiners, variation selectors), so HarfBuzz shapes each apart
# from its letter: the mark floats loose, the letters around it stop joining, and a run of nothing
# but a joiner or a variation selector makes fpdf2 fail (IndexError). Such a character belongs to
# the run of the character before it (Unicode UAX #24); "Common" is what fpdf2 does not split at.
# (fpdf2 calls cache_clear() on this function after each document.)
fpdf.fpdf.get_unicode_script = _script_of_run

PAGE_MARGIN = 18  # mm
ROW_HEIGHT = 5.2  # mm
TABLE_FONT_SIZE = 9  # pt
BODY_FONT_SIZE = 10.5
FULL_WIDTH_MM = TABLE_FONT_SIZE * 25.4 / 72  # the widest character of the table: one em


@dataclass(frozen=True)
class Column:
    heading: str
    width: float  # mm
    align: str = "L"


JOINERS = ("\u200c", "\u200d")


def _direction_of(text):
    """The direction of a paragraph that takes it from its first letter (Unicode rule P2)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("L", "R", "AL"):
            return "ltr" if kind == "L" else "rtl"
    return "ltr"


def _without_crossing_joiners(text, direction):
    """fpdf2's bidi algorithm leaves a joiner at the paragraph's level, so one between two letters
    of the other direction (می‌رضا in an English sentence) splits them into two runs drawn in the
    wrong order. Such a joiner is left out: میرضا, as the name is often written, in order."""
    if not any(joiner in text for joiner in JOINERS):
        return text
    other = ("R", "AL") if direction == "ltr" else ("L",)
    last = len(text) - 1
    return "".join(ch for index, ch in enumerate(text) if ch not in JOINERS or not (
        (index > 0 and unicodedata.bidirectional(text[index - 1]) in other)
        or (index < last and unicodedata.bidirectional(text[index + 1]) in other)))


def signer_cells(make_row, row, unlisted=None):
    """`make_row(row)`: the cells of one signer's row, or a row that prints U+FFFD when making it
    fails (a value no form writes: a bad import, a hand edit), so that one row never stops a build.
    The failure is logged with the signature's id, never its name, and its id added to `unlisted`."""
    try:
        return make_row(row)
    except Exception as error:  # noqa: BLE001  (any failure of one row; the build goes on)
        logger.warning("signature %s could not be listed in a packet (%s)", row.id, type(error).__name__)
        if unlisted is not None:
            unlisted.append(row.id)
        return ((REPLACEMENT, None),)


class PacketDocument(FPDF):
    def __init__(self, fonts, title, generated_at, footer_lines):
        """`fonts`: the build's fonts.FontSet. `footer_lines(page_alias, total_alias)` → the footer
        text of each page (page numbers and the generated-at line, in the packet's languages)."""
        super().__init__(format="Letter", unit="mm")
        self.set_creation_date(generated_at)
        self.set_title(title)
        self.set_creator("campaign delivery packets")
        self.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.set_auto_page_break(True, margin=PAGE_MARGIN + 6)
        self.alias_nb_pages()
        # Faces are added when first used: each added face is embedded (and subset) in the file.
        self._fonts = fonts
        self._font_paths = fonts.paths
        self._faces_added = set()
        self._line_cache = fonts.line_cache
        self._fallback_for = {}  # character -> font key, while a shaped text is drawn
        self._footer_lines = footer_lines
        self.add_page()

    def set_font(self, family=None, style="", size=0):
        self._add_face(family)
        super().set_font(family, style, size)

    def _add_face(self, face):
        if face in self._font_paths and face not in self._faces_added:
            self.add_font(face, "", str(self._font_paths[face]))
            self._faces_added.add(face)

    def get_fallback_font(self, char, style=""):
        """The face fonts.Written chose for a character the text's own face lacks (fpdf2 asks)."""
        return self._fallback_for.get(char)

    @contextmanager
    def _drawing(self, drawn, size, direction="ltr"):
        """Select the face of `drawn` (a fonts.Written) and give the text to draw; if it needs
        shaping, it is drawn with HarfBuzz and its fallback faces inside the block. `direction`:
        of the paragraph, "ltr" for our own sentences (a name inside one stays where the sentence
        puts it); None for a table cell, which takes the direction of its first letter, as its
        writer wrote it."""
        self.set_font(drawn.face, size=size)
        if not drawn.shaped:
            yield drawn.text
            return
        faces = sorted({face for _ch, face in drawn.fallbacks})
        for face in faces:
            self._add_face(face)
        self._fallback_for = {ch: face.lower() for ch, face in drawn.fallbacks}
        # Declared as fallbacks too, so that fpdf2 keeps the text's own face as the page's.
        self.set_fallback_fonts(faces)
        self.set_text_shaping(True, direction=direction)
        try:
            yield _without_crossing_joiners(drawn.text, direction or _direction_of(drawn.text))
        finally:
            self.set_text_shaping(False)
            self.set_fallback_fonts([])
            self._fallback_for = {}
            # fpdf2 2.8 can leave a fallback face selected in the page's text state (after a line
            # that ends in one) while taking its own face as set: the next text would be drawn in
            # the wrong font. Have the next text select its font again.
            self.current_font_is_set_on_page = False

    def missing_glyphs(self):
        """Characters drawn with no glyph in their face (printed as empty boxes)."""
        return {chr(code) for font in self.fonts.values() for code in getattr(font, "missing_glyphs", ())}

    # -- page furniture ----------------------------------------------------------------------
    def footer(self):
        self.set_y(-PAGE_MARGIN)
        self.set_font(LATIN_FACE, size=8)
        self.set_text_color(90)
        for face, line in self._footer_lines(str(self.page_no()), self.str_alias_nb_pages):
            drawn = self._fonts.written(line, face=face)
            with self._drawing(drawn, 8) as text:
                self.cell(0, 4, text, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)

    # -- prose -------------------------------------------------------------------------------
    def title_block(self, title, lines=(), face=LATIN_FACE):
        drawn = self._fonts.written(title, face=face)
        with self._drawing(drawn, 16) as text:
            self.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
        for line in lines:
            drawn = self._fonts.written(line, face=face)
            with self._drawing(drawn, BODY_FONT_SIZE) as text:
                self.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def heading(self, text, face=LATIN_FACE, size=13):
        self.ln(2)
        drawn = self._fonts.written(text, face=face)
        with self._drawing(drawn, size) as text:
            self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text, face=LATIN_FACE, size=BODY_FONT_SIZE, indent=0):
        drawn = self._fonts.written(text, face=face)
        line_height = size * 0.5
        with self._drawing(drawn, size) as text:
            self.set_x(self.l_margin + indent)
            for line in self._lines(text, drawn.face, size, indent):
                if self.will_page_break(line_height):
                    self.add_page()
                self.set_x(self.l_margin + indent)
                self.cell(0, line_height, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(1.5)

    def _lines(self, text, face, size, indent):
        """The paragraph broken into lines. Every packet of a campaign prints the same letter, so
        line breaking (the slowest part of drawing a letter) is done once per build."""
        key = (text, face, size, indent)
        if key not in self._line_cache:
            self.set_x(self.l_margin + indent)
            self._line_cache[key] = self.multi_cell(0, size * 0.5, text, dry_run=True, output="LINES")
        return self._line_cache[key]

    def letter(self, blocks, face=LATIN_FACE):
        for block in blocks:
            if block.kind == "heading":
                self.heading(block.text, face, size=11.5)
            elif block.kind == "item":
                self.paragraph("•  " + block.text, face, indent=4)
            elif block.kind == "numbered":
                self.paragraph(block.text, face, indent=4)
            elif block.kind == "quote":
                self.paragraph(block.text, face, indent=10)
            else:
                self.paragraph(block.text, face)

    # -- the table of signers ----------------------------------------------------------------
    def _table_header(self, columns):
        self.set_font(LATIN_FACE, size=TABLE_FONT_SIZE)
        self.set_text_color(90)
        y = self.get_y() + ROW_HEIGHT - 1.4
        x = self.l_margin
        for column in columns:
            self.text(x, y, column.heading)
            x += column.width
        self.set_text_color(0)
        self.set_draw_color(150)
        self.line(self.l_margin, self.get_y() + ROW_HEIGHT, self.w - self.r_margin, self.get_y() + ROW_HEIGHT)
        self.set_y(self.get_y() + ROW_HEIGHT + 0.8)

    def table(self, columns, rows):
        """Draw `rows`, an iterable of ((text, language), …) per row, one cell per column.
        The header repeats on every page. Returns the number of rows drawn."""
        bottom = self.h - self.b_margin
        if self.get_y() + 3 * ROW_HEIGHT > bottom:
            self.add_page()
        self._table_header(columns)
        count = 0
        current_face = None
        for row in rows:
            if self.get_y() + ROW_HEIGHT > bottom:
                self.add_page()
                self._table_header(columns)
                current_face = None
            top = self.get_y()
            baseline = top + ROW_HEIGHT - 1.4
            x = self.l_margin
            for column, (text, language) in zip(columns, row):
                if text:
                    drawn = self._fonts.written(text, language)
                    if drawn.shaped:
                        self._shaped_cell(drawn, x, baseline, column)
                        current_face = None
                    else:
                        if drawn.face != current_face:
                            self.set_font(drawn.face, size=TABLE_FONT_SIZE)
                            current_face = drawn.face
                        text = self._fit(drawn.text, column.width - 2)
                        offset = column.width - 2 - self.get_string_width(text) if column.align == "R" else 0
                        self.text(x + offset, baseline, text)
                x += column.width
            self.set_y(top + ROW_HEIGHT)
            count += 1
        self.ln(2)
        return count

    def _shaped_cell(self, drawn, x, baseline, column):
        """A table cell that needs shaping: cell() (text() cannot shape), on the row's baseline.
        Should shaping fail on some text, the cell shows a box and the failure is logged."""
        top = self.get_y()
        page_break, self.auto_page_break = self.auto_page_break, False  # the row has its place
        try:
            with self._drawing(drawn, TABLE_FONT_SIZE, direction=None) as text:
                text = self._fit(text, column.width - 2)
                width = self.get_string_width(text)
                offset = column.width - 2 - width if column.align == "R" else 0
                # cell() puts the baseline at y + h/2 + 0.3 × font size and starts after its margin.
                self.set_xy(x + offset - self.c_margin, baseline - ROW_HEIGHT / 2 - 0.3 * self.font_size)
                self.cell(width + 2 * self.c_margin, ROW_HEIGHT, text)
        except Exception as error:  # noqa: BLE001  (a bug of shaping one text must not stop a packet)
            logger.warning("a text in faces %s could not be shaped (%s); printed as a box",
                           sorted(drawn.faces()), type(error).__name__)
            self.set_font(LATIN_FACE, size=TABLE_FONT_SIZE)
            self.text(x, baseline, BOX)
        finally:
            self.auto_page_break = page_break
        self.set_y(top)

    def _fit(self, text, width):
        # Text that fits even in full-width characters needs no measuring; measuring every cell
        # would double the time of a large packet.
        if len(text) * FULL_WIDTH_MM <= width or self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"
