"""The sign form's CSRF token: an HMAC of a random per-visitor cookie, with no server session.

A sign page is served to a crowd when a petition is shared, and Flask's session made it cost a
signed, serialised cookie written on every first visit and read on every POST (bench/README.md).
This is the signed double-submit cookie (OWASP's CSRF cheat sheet): the browser holds a random
visitor id in a cookie, and the form carries `<time>.<HMAC-SHA256(SECRET_KEY, visitor id, time)>`.
A site elsewhere can read neither the cookie nor the page, so it cannot make a pair that
matches; a token copied from one visitor's page fails with another visitor's cookie; a token
older than WTF_CSRF_TIME_LIMIT fails (the form shows its "open for a long time" message).

The cookie is HttpOnly and SameSite=Lax and, where cookies are Secure (production), named with the
`__Host-` prefix, so a neighbouring subdomain cannot plant a visitor id of its choosing. It holds
no personal data and nothing is kept on the server. Forms elsewhere (organisers, confirmation
and unsubscribe buttons) keep Flask-WTF's session tokens.
"""
import hashlib
import hmac
import secrets
import time

from flask import current_app, g, request
from wtforms import ValidationError
from wtforms.csrf.core import CSRF

PURPOSE = b"campaign.sign-form.csrf\x00"
ID_BYTES = 16


def cookie_name():
    return "__Host-visitor" if current_app.config["SESSION_COOKIE_SECURE"] else "visitor"


def _visitor_id():
    """This visitor's id: from their cookie, else a new one that the response will set."""
    if "visitor_id" not in g:
        cookie = request.cookies.get(cookie_name(), "")
        if len(cookie) == 2 * ID_BYTES and all(c in "0123456789abcdef" for c in cookie):
            g.visitor_id = cookie
        else:
            g.visitor_id = g.new_visitor_id = secrets.token_hex(ID_BYTES)
    return g.visitor_id


def _mac(visitor_id, issued):
    key = current_app.config["SECRET_KEY"].encode()
    message = PURPOSE + visitor_id.encode() + b"\x00" + str(issued).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def visitor_token():
    """The token for this visitor's sign form (the same within one request)."""
    if "visitor_token" not in g:
        issued = int(time.time())
        g.visitor_token = f"{issued}.{_mac(_visitor_id(), issued)}"
    return g.visitor_token


def token_problem(token):
    """None if `token` is this visitor's and fresh; else why not ("missing", "invalid", "expired")."""
    if not token:
        return "missing"
    issued, _dot, mac = str(token).partition(".")
    cookie = request.cookies.get(cookie_name())
    # ASCII digits only: int() cannot read every digit isdigit() knows ('²'), and compare_digest
    # refuses a str that is not ASCII; a stranger writes the token, and it must not stop the page.
    if not (issued.isascii() and issued.isdigit()) or len(issued) > 12 or not cookie:
        return "invalid"
    if not hmac.compare_digest(mac.encode(), _mac(cookie, int(issued)).encode()):
        return "invalid"
    limit = current_app.config["WTF_CSRF_TIME_LIMIT"]
    if limit is not None and time.time() - int(issued) > limit:
        return "expired"
    return None


class VisitorCSRF(CSRF):
    """WTForms' CSRF hook for the sign forms (SignatureForm.Meta)."""

    def generate_csrf_token(self, csrf_token_field):
        return visitor_token()

    def validate_csrf_token(self, form, field):
        problem = token_problem(field.data)
        if problem:
            # Never shown: the sign page says, in its language, that the form was open a long
            # time and must be sent again (SignatureForm.csrf_expired).
            raise ValidationError(problem)


def set_visitor_cookie(response):
    """After a request that made a new visitor id (a sign page's first view): set its cookie."""
    new_id = g.pop("new_visitor_id", None)
    if new_id is not None:
        config = current_app.config
        # Until the browser closes: the token's age, not the cookie's, limits how long a form works.
        response.set_cookie(cookie_name(), new_id, path="/", secure=config["SESSION_COOKIE_SECURE"], httponly=True,
                            samesite="Lax")
    return response


def init_app(app):
    app.after_request(set_visitor_cookie)
