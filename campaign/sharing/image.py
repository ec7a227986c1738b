"""The share image (Open Graph / X card): 1200 x 630 PNG with the title in the page's language.

Drawn with Pillow in Noto Sans CJK (package noto-cjk-sans-otc), in the face for the language:
Korean, Simplified and Traditional Chinese share code points but not glyph shapes. The image
depends only on its texts, so it is rendered once per process and text, and served with a long
cache lifetime under a URL that carries a digest of those texts.
"""
import hashlib
import io
import unicodedata
from functools import lru_cache

from noto_cjk_sans_otc import FONT_PATH
from PIL import Image, ImageDraw, ImageFont

from ..i18n import han_variant

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
# Faces in NotoSansCJK-Regular.ttc, by the form of Han characters a language's readers expect
# (i18n.han_variant): Noto Sans CJK JP for Japanese, KR, SC, TC, HK.
FACES = {"JP": 0, "KR": 1, "SC": 2, "TC": 3, "HK": 4}
LATIN_FACE = 1  # other languages: the Latin glyphs are the same in every face
BACKGROUND = (23, 55, 94)  # --brand in site.css
TEXT = (255, 255, 255)
SOFT_TEXT = (214, 224, 236)
ACCENT = (242, 183, 5)  # the focus yellow in site.css
TITLE_SIZES = (76, 68, 60, 52, 46)  # largest first, until the title fits in MAX_TITLE_LINES
MAX_TITLE_LINES = 4
# Bump when the drawing changes, so cached copies under the old digest are left behind.
RENDER_VERSION = "1"

# Characters that may not start a line (closing punctuation) or end one (opening punctuation).
NO_LINE_START = set("!%),.:;?]}¢°·’”、。〉》」』】〕〗〙〛〞！％），．：；？］｝～｠ー゛゜ゝゞ")
NO_LINE_END = set("([{£¥‘“〈《「『【〔〖〘〚〝（［｛｟")


def face_index(lang):
    return FACES.get(han_variant(lang), LATIN_FACE)


@lru_cache(maxsize=64)
def font(lang, size):
    return ImageFont.truetype(FONT_PATH, size, index=face_index(lang))


def digest(lang, title, byline, call, host):
    """Changes whenever the image would: part of the image's URL, so caches never keep a stale one."""
    text = "\x1f".join((RENDER_VERSION, lang, title, byline, call, host))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _breaks_anywhere(char):
    """Han, kana and fullwidth forms may break between any two characters (Hangul breaks at spaces)."""
    name = unicodedata.name(char, "")
    return name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY", "HIRAGANA", "KATAKANA", "FULLWIDTH",
                            "IDEOGRAPHIC", "CJK SYMBOLS"))


def _pieces(text):
    """Units a line may break between: words, or single characters in Chinese, punctuation kept with
    its neighbour. Each piece carries the space that precedes it."""
    pieces = []
    space = ""
    for word in text.split(" "):
        if not word:
            continue
        units = []
        for char in word:
            if units and (char in NO_LINE_START or units[-1][-1] in NO_LINE_END
                          or not (_breaks_anywhere(char) or _breaks_anywhere(units[-1][-1]))):
                units[-1] += char
            else:
                units.append(char)
        pieces.append(space + units[0])
        pieces.extend(units[1:])
        space = " "
    return pieces


def wrap(text, face, width):
    """Greedy line filling; a piece wider than a line is cut between characters."""
    lines = []
    line = ""
    for piece in _pieces(text):
        candidate = line + piece if line else piece.lstrip(" ")
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = piece.lstrip(" ")
        while face.getlength(line) > width:
            cut = len(line) - 1
            while cut > 1 and face.getlength(line[:cut]) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    return lines


def fit_title(title, lang):
    """The largest size at which the title fits; at the smallest, extra lines end with an ellipsis."""
    for size in TITLE_SIZES:
        face = font(lang, size)
        lines = wrap(title, face, WIDTH - 2 * MARGIN)
        if len(lines) <= MAX_TITLE_LINES:
            return face, lines
    lines = lines[:MAX_TITLE_LINES]
    lines[-1] = lines[-1].rstrip() + "…"
    return face, lines


def render(lang, title, byline, call, host):
    """PNG bytes. `byline` is who runs the petition, `call` the call to action, `host` the site's address."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 18, HEIGHT), fill=ACCENT)

    small = font(lang, 34)
    draw.text((MARGIN, MARGIN - 8), byline, font=small, fill=SOFT_TEXT)

    face, lines = fit_title(title, lang)
    line_height = round(face.size * 1.3)
    block = line_height * len(lines)
    top = max(MARGIN + 60, (HEIGHT - block) // 2 - 10)
    for number, line in enumerate(lines):
        # A hairline stroke in the text's colour: a heavier title without a bold font file.
        draw.text((MARGIN, top + number * line_height), line, font=face, fill=TEXT, stroke_width=1,
                  stroke_fill=TEXT)

    bottom = HEIGHT - MARGIN
    call_face = font(lang, 38)
    draw.text((MARGIN, bottom), call, font=call_face, fill=ACCENT, anchor="ls", stroke_width=1, stroke_fill=ACCENT)
    draw.text((WIDTH - MARGIN, bottom), host, font=small, fill=SOFT_TEXT, anchor="rs")

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@lru_cache(maxsize=32)
def cached_render(lang, title, byline, call, host):
    return render(lang, title, byline, call, host)
