"""Flask's cookie session, opened only for a request that brings a session cookie.

Flask builds its signing serializer for every request before looking for the cookie. Signers
never get a session cookie (the sign form's token is petitions/visitor_csrf.py), so for them
this skips that work: one of the costs of the sign page under a crowd (bench/README.md).
Organisers' sessions (organisers/sessions.py) and the other forms' CSRF tokens are unchanged.
"""
from flask.sessions import SecureCookieSessionInterface


class CookieSessionInterface(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)
