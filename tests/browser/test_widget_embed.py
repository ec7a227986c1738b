"""A partner's page on another origin embeds the widget in an <iframe>: it shows the live count and
opens the petition in a new tab. The same page cannot frame any other page of ours."""
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from .support import exact_count, status_line


@contextmanager
def partner_site(pages):
    """Another origin (its own port on 127.0.0.1) serving `pages`: {path: html}."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, name="partner-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def embedding(src, frame_id):
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head>'
            f'<body><h1>A partner organisation</h1><iframe id="{frame_id}" src="{src}" title="Petition" '
            f'width="320" height="260"></iframe></body></html>')


@pytest.mark.parametrize("tag", ["en", "ko"])
def test_partner_page_embeds_the_widget_but_not_other_pages(visit, live_server, catalogs, tag):
    catalog = catalogs[tag]
    pages = {"/widget.html": embedding(f"{live_server.url}/{tag}/unhcr/widget", "widget"),
             "/sign.html": embedding(f"{live_server.url}/{tag}/unhcr/", "sign")}
    with partner_site(pages) as partner:
        assert partner != live_server.url  # another port: another origin
        visitor = visit(tag)
        page = visitor.new_page()
        count = exact_count(page, tag, "unhcr")

        page.goto(f"{partner}/widget.html")
        widget = page.frame_locator("#widget")
        expect(widget.locator(".status .count")).to_have_text(status_line(catalog, None, count))
        button = widget.get_by_role("link", name=catalog.p("button", "Sign the petition"))
        expect(button).to_have_attribute("href", f"{live_server.app.config['SITE_URL']}/{tag}/unhcr/")
        expect(button).to_have_attribute("target", "_blank")
        expect(button).to_have_attribute("rel", "noopener")

        refusals = []
        page.on("console", lambda message: refusals.append(message.text))
        page.goto(f"{partner}/sign.html", wait_until="load")
        # The browser shows its own error page inside the frame, never ours.
        child = page.frame_locator("#sign").owner.element_handle().content_frame()
        for _attempt in range(50):
            if child.url.startswith("chrome-error:"):
                break
            page.wait_for_timeout(100)
        assert child.url.startswith("chrome-error:"), child.url
        assert child.locator("form, .site-name, .status").count() == 0
        assert any("frame-ancestors" in text or "X-Frame-Options" in text for text in refusals), refusals
