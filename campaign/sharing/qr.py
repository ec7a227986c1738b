"""QR code of a page's address as SVG, drawn on our server (segno): how WeChat users share a link."""
import io

import segno

# M: survives a little damage or a blurry phone photo while the code stays small.
ERROR_LEVEL = "m"


def qr_code(url):
    return segno.make(url, error=ERROR_LEVEL, boost_error=False)


def qr_svg(url, title):
    """A standalone SVG document: one path, dark modules on white, with a quiet zone of 4 modules."""
    buffer = io.BytesIO()
    qr_code(url).save(buffer, kind="svg", scale=4, border=4, dark="#000", light="#fff", title=title,
                      xmldecl=True, svgclass=None, lineclass=None, encoding="utf-8")
    return buffer.getvalue()
