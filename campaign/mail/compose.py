"""Emails in the signer's language: subject, plain text and HTML, all from the gettext catalogs.

Each message is a pair of templates, `email/<name>.txt` and `email/<name>.html` (news:
`email/updates/<name>.*`). The text template's `subject` block is the subject line, so
translators see every string of a message in the catalog, the subject included.
"""
import re
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr

from flask import current_app, g, render_template
from flask_babel import force_locale
from markupsafe import escape

from .. import i18n
from .links import site_host, site_url


@dataclass(frozen=True)
class Composed:
    subject: str
    text: str
    html: str


@contextmanager
def in_language(tag):
    """Render in language `tag` (templates, formatting, lazy strings), then restore the page's."""
    if tag not in i18n.languages():
        tag = i18n.default_language()
    had_lang = "lang" in g
    previous = g.get("lang")
    g.lang = tag
    try:
        with force_locale(i18n.babel_name(tag)):
            yield tag
    finally:
        if had_lang:
            g.lang = previous
        else:
            g.pop("lang", None)


def coalition_name():
    # Imported here: the campaign modules import the petition machinery, which imports this.
    from ..campaigns.common import coalition_name as name

    return name()


def from_header():
    """MAIL_FROM; without a display name, the coalition's name in the current language (worked
    out once per process and language: every signature with an email needs it)."""
    headers = current_app.extensions.setdefault("from_headers", {})
    if g.lang not in headers:
        name, address = parseaddr(current_app.config["MAIL_FROM"])
        headers[g.lang] = str(Address(display_name=name or str(coalition_name()), addr_spec=address))
    return headers[g.lang]


def compose(template, signature, definition, **context):
    """Render `template` for `signature` in the signer's language. Call inside in_language().

    Nothing the signer typed is in the context: a name or a city is a stranger's text and must
    never speak in an email sent from the coalition's address.
    """
    tag = g.lang
    context = {
        "petition": definition,
        "title": str(definition.title),
        "recipient": str(definition.recipient),
        "coalition": str(coalition_name()),
        "site_url": current_app.config["SITE_URL"].rstrip("/") + "/",
        "site_host": site_host(),
        "petition_url": site_url(f"{definition.slug}.sign", lang=tag),
        **context,
    }
    text_name, html_name = f"email/{template}.txt", f"email/{template}.html"
    subject = _render_block(text_name, "subject", context)
    text = _tidy_text(render_template(text_name, **context))
    html = render_template(html_name, subject=subject, **context)
    return Composed(subject=subject, text=text, html=html)


# Stands in a shared rendering for a value that differs per message (a link with its token):
# control characters that no template, translation or HTML escaping produces.
_PER_MESSAGE = "\x1b{}\x1b"
_SHARED_LIMIT = 256  # renderings kept per process: campaigns x languages x kinds x days


def compose_shared(template, definition, per_message=None, **context):
    """compose() for a message that is the same for every recipient in a language but for
    `per_message` values (e.g. {"confirm_url": ...}). It is rendered once per process, campaign,
    language and `context` (which must be hashable) with a marker in place of each of those
    values, and each message is a copy with its own values: the sign POST then costs a string
    replace instead of three template renderings (bench/README.md). Call inside in_language().
    The values must be URLs or plain text that HTML escaping leaves alone, since they are put in
    after escaping; a value that is not is refused rather than put in unescaped."""
    per_message = per_message or {}
    for name, value in per_message.items():
        if value != str(escape(value)):
            raise ValueError(f"{name} needs HTML escaping: pass it through compose() instead")
    cache = current_app.extensions.setdefault("shared_emails", {})
    key = (template, definition.slug, g.lang, tuple(sorted(context.items())), tuple(sorted(per_message)))
    shared = cache.get(key)
    if shared is None:
        markers = {name: _PER_MESSAGE.format(name) for name in per_message}
        shared = compose(template, None, definition, **context, **markers)
        if len(cache) >= _SHARED_LIMIT:
            cache.clear()
        cache[key] = shared
    subject, text, html = shared.subject, shared.text, shared.html
    for name, value in per_message.items():
        marker = _PER_MESSAGE.format(name)
        text, html = text.replace(marker, value), html.replace(marker, value)
    return Composed(subject=subject, text=text, html=html)


def _render_block(template_name, block, context):
    environment = current_app.jinja_env
    template = environment.get_template(template_name)
    full_context = dict(context)
    current_app.update_template_context(full_context)
    rendered = "".join(template.blocks[block](template.new_context(full_context)))
    # A subject is one line: no line breaks can reach the header.
    return " ".join(rendered.split())


def _tidy_text(text):
    """Template whitespace out of a plain-text email: no trailing spaces, at most one blank line."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
