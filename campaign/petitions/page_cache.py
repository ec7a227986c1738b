"""A short-lived, per-process cache of the blank sign page, one per campaign and language.

Rendering the letter and the form is most of the cost of a sign page, and it is the same for
every visitor but for the CSRF token (petitions/visitor_csrf.py). The page is rendered once
with a marker where the token goes; each visitor gets a copy with their own token. The count
on it may be up to SIGN_PAGE_CACHE_SECONDS old; the database count itself is always exact.
"""
import time

from flask import current_app

from .visitor_csrf import visitor_token

TOKEN_MARKER = "\x00csrf-token\x00"


def cached_sign_page(key, render):
    """The blank sign page for `key` with this visitor's token; `render()` builds it when stale."""
    seconds = current_app.config["SIGN_PAGE_CACHE_SECONDS"]
    token = visitor_token()
    if seconds <= 0:
        return render()
    cache = current_app.extensions.setdefault("sign_page_cache", {})
    entry = cache.get(key)
    now = time.monotonic()
    if entry is None or entry[0] <= now:
        html = render()
        # The rendered token is this visitor's; keep a marker in its place for the others.
        entry = (now + seconds, html.replace(token, TOKEN_MARKER))
        cache[key] = entry
    return entry[1].replace(TOKEN_MARKER, token)


def forget_sign_pages(slug):
    """Drop this process's cached sign pages of campaign `slug` after an organiser changed what
    they show (its signatories, its media). Other processes catch up within SIGN_PAGE_CACHE_SECONDS."""
    cache = current_app.extensions.get("sign_page_cache", {})
    for key in [key for key in cache if key[0] == slug]:
        cache.pop(key, None)
