"""Security headers on every response: no inline script or style, no framing, no sniffing.

One page may be framed: the campaign widget that partners embed (campaign/sharing/). It gets
`frame-ancestors` from WIDGET_FRAME_ANCESTORS and no X-Frame-Options; every other page keeps
`frame-ancestors 'none'` and X-Frame-Options DENY.

In production, create_app also refuses a SECRET_KEY that looks made by a person (below).
"""
import math
import re
from collections import Counter

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
])


# A CSP source expression: *, 'self', a scheme (https:) or a host source (https://*.example.org:8443/path).
_FRAME_SOURCE = re.compile(r"\*|'self'|[a-z][a-z0-9+.-]*:|([a-z][a-z0-9+.-]*://)?(\*\.)?[a-z0-9.-]+(:(\d+|\*))?(/[^\s;,']*)?",
                           re.IGNORECASE)


class FrameAncestorsError(ValueError):
    pass


def frame_ancestors_sources(value):
    """WIDGET_FRAME_ANCESTORS (a string of space-separated sources, or a list) as a checked list.

    Checked at start-up: a stray `;` or quote would otherwise add or break CSP directives."""
    sources = value.split() if isinstance(value, str) else list(value)
    if not sources:
        raise FrameAncestorsError("WIDGET_FRAME_ANCESTORS is empty: use 'none' to forbid embedding the widget")
    if sources == ["'none'"]:
        return sources
    bad = [source for source in sources if not _FRAME_SOURCE.fullmatch(source)]
    if bad:
        raise FrameAncestorsError(f"WIDGET_FRAME_ANCESTORS: not a CSP source: {' '.join(bad)}")
    return sources


def allow_framing(response, ancestors):
    """Let the pages in `ancestors` (CSP sources) frame this response, and no others."""
    policy = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'",
                                             "frame-ancestors " + " ".join(frame_ancestors_sources(ancestors)))
    response.headers["Content-Security-Policy"] = policy
    response.allow_framing = True
    return response


def register_security_headers(app):
    hsts_seconds = app.config["HSTS_SECONDS"]
    frame_ancestors_sources(app.config["WIDGET_FRAME_ANCESTORS"])  # fail at start-up, not on a request

    defaults = [("Content-Security-Policy", CONTENT_SECURITY_POLICY),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("X-Frame-Options", "DENY"),
                ("Cross-Origin-Opener-Policy", "same-origin")]
    if hsts_seconds:
        defaults.append(("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains"))
    # Lower-cased once here, not on every response: header names compare without case.
    defaults = [(name, name.lower(), value) for name, value in defaults]

    @app.after_request
    def add_security_headers(response):
        # Each header unless the view set its own. One pass over the names the response has:
        # werkzeug's setdefault raises and catches an exception for every header it adds, a
        # measurable part of serving the sign page to a crowd.
        headers = response.headers
        present = {name.lower() for name, _value in headers.items()}
        framed = getattr(response, "allow_framing", False)
        for name, key, value in defaults:
            if key not in present and not (framed and key == "x-frame-options"):
                headers.add(name, value)
        return response


# A random key of 32 hex digits (128 bits) scores at least 88 here (0 in 200,000 draws scored less).
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_BITS = 80


def secret_key_weakness(key):
    """Why SECRET_KEY looks made by a person rather than drawn at random; None if it does not.

    Whoever guesses the key can forge sessions (an organiser's) and our emailed links. This
    catches the keys people type: too short, a piece repeated (changeme × 4), runs of
    neighbouring characters (abcdef…, 123456…), or too few different characters for its
    length (32 × "x"). It cannot prove a key random: generate it with secrets.token_hex(32).
    """
    key = key or ""
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it is shorter than {SECRET_KEY_MIN_LENGTH} characters"
    if any(key == (key[:period] * (len(key) // period + 1))[:len(key)] for period in range(1, len(key) // 2 + 1)):
        return "it is a shorter piece repeated"
    steps = sum(1 for a, b in zip(key, key[1:]) if abs(ord(a) - ord(b)) == 1)
    if steps * 4 > (len(key) - 1) * 3:
        return "it is mostly runs such as abcd or 1234"
    if estimated_bits(key) < SECRET_KEY_MIN_BITS:
        return "it has too few different characters for its length"
    return None


def estimated_bits(text):
    """Length times the Shannon entropy of its characters' frequencies: an upper bound of the key's
    real strength, and a low one for anything typed by hand."""
    counts = Counter(text)
    return -sum(count * math.log2(count / len(text)) for count in counts.values())
