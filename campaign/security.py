"""Security headers on every response: no inline script or style, no framing, no sniffing.

One page may be framed: the campaign widget that partners embed (campaign/sharing/). It gets
`frame-ancestors` from WIDGET_FRAME_ANCESTORS and no X-Frame-Options; every other page keeps
`frame-ancestors 'none'` and X-Frame-Options DENY.
"""
import re

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

    @app.after_request
    def add_security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if not getattr(response, "allow_framing", False):
            headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts_seconds:
            headers.setdefault("Strict-Transport-Security", f"max-age={hsts_seconds}; includeSubDomains")
        return response
