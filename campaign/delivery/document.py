"""One delivery packet as a PDF (fpdf2): title block, letter, totals, and the table of signers.

Output is deterministic: the same signatures and the same `generated_at` give the same bytes
(the creation date is `generated_at`, fonts are subset in a fixed order, rows come in signing
order). Rows are drawn as they are read from the database, with fpdf2's low-level text() rather
than cell(), which is five times slower; a packet holds only its compressed pages in memory.
"""
from dataclasses import dataclass

from fpdf import FPDF

from .fonts import LATIN_FACE, face_for

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


class PacketDocument(FPDF):
    def __init__(self, fonts, title, generated_at, footer_lines):
        """`footer_lines(page_alias, total_alias)` → the footer text of each page (page numbers and
        the generated-at line, in the packet's languages)."""
        super().__init__(format="Letter", unit="mm")
        self.set_creation_date(generated_at)
        self.set_title(title)
        self.set_creator("campaign delivery packets")
        self.set_margins(PAGE_MARGIN, PAGE_MARGIN, PAGE_MARGIN)
        self.set_auto_page_break(True, margin=PAGE_MARGIN + 6)
        self.alias_nb_pages()
        # Faces are added when first used: each added face is embedded (and subset) in the file.
        self._font_paths = fonts.paths
        self._faces_added = set()
        self._line_cache = fonts.line_cache
        self._footer_lines = footer_lines
        self.add_page()

    def set_font(self, family=None, style="", size=0):
        if family in self._font_paths and family not in self._faces_added:
            self.add_font(family, "", str(self._font_paths[family]))
            self._faces_added.add(family)
        super().set_font(family, style, size)

    def missing_glyphs(self):
        """Characters drawn with no glyph in their face (printed as empty boxes)."""
        return {chr(code) for font in self.fonts.values() for code in getattr(font, "missing_glyphs", ())}

    # -- page furniture ----------------------------------------------------------------------
    def footer(self):
        self.set_y(-PAGE_MARGIN)
        self.set_font(LATIN_FACE, size=8)
        self.set_text_color(90)
        for face, line in self._footer_lines(str(self.page_no()), self.str_alias_nb_pages):
            self.set_font(face, size=8)
            self.cell(0, 4, line, align="C", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(0)

    # -- prose -------------------------------------------------------------------------------
    def title_block(self, title, lines=(), face=LATIN_FACE):
        self.set_font(face, size=16)
        self.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(face, size=BODY_FONT_SIZE)
        for line in lines:
            self.multi_cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def heading(self, text, face=LATIN_FACE, size=13):
        self.ln(2)
        self.set_font(face, size=size)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text, face=LATIN_FACE, size=BODY_FONT_SIZE, indent=0):
        self.set_font(face, size=size)
        self.set_x(self.l_margin + indent)
        line_height = size * 0.5
        for line in self._lines(text, face, size, indent):
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
        drawn = 0
        current_face = None
        for row in rows:
            if self.get_y() + ROW_HEIGHT > bottom:
                self.add_page()
                self._table_header(columns)
                current_face = None
            baseline = self.get_y() + ROW_HEIGHT - 1.4
            x = self.l_margin
            for column, (text, language) in zip(columns, row):
                if text:
                    face = face_for(text, language)
                    if face != current_face:
                        self.set_font(face, size=TABLE_FONT_SIZE)
                        current_face = face
                    text = self._fit(text, column.width - 2)
                    offset = column.width - 2 - self.get_string_width(text) if column.align == "R" else 0
                    self.text(x + offset, baseline, text)
                x += column.width
            self.set_y(self.get_y() + ROW_HEIGHT)
            drawn += 1
        self.ln(2)
        return drawn

    def _fit(self, text, width):
        # Text that fits even in full-width characters needs no measuring; measuring every cell
        # would double the time of a large packet.
        if len(text) * FULL_WIDTH_MM <= width or self.get_string_width(text) <= width:
            return text
        while text and self.get_string_width(text + "…") > width:
            text = text[:-1]
        return text + "…"
