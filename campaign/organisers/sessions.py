"""Organiser sessions kept on the server (table organiser_session).

Flask's session cookie carries only a random id (besides the CSRF token); the row keeps the id's
SHA-256, the account, when the session started, when it was last used and when it was revoked.
Every organiser request looks the row up, so:
- sign-out revokes this session, and `flask users disable` / `set-password` revoke every session
  of the account (accounts.end_sessions): every copy of the cookie stops working at once;
- a session ends after ORGANISER_IDLE_MINUTES without a request, and ORGANISER_SESSION_HOURS after
  sign-in however busy, whichever comes first.
Public pages never call start(), so visitors and signers have no row.
"""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import delete, update

from ..extensions import db
from ..models import OrganiserSession, User, utcnow

SESSION_KEY = "organiser_session"
# last_seen_at is written at most this often rather than on every request: the idle timeout is
# exact to within a minute, and pages cost no extra write.
TOUCH_EVERY = timedelta(minutes=1)


def now():
    """The time sessions are measured in (tests move it)."""
    return utcnow()


def _hashed(session_id):
    return hashlib.sha256(session_id.encode()).hexdigest()


def _idle_limit():
    return timedelta(minutes=current_app.config["ORGANISER_IDLE_MINUTES"])


def _lifetime():
    return timedelta(hours=current_app.config["ORGANISER_SESSION_HOURS"])


def _open(row, moment):
    return (row.revoked_at is None and moment - row.last_seen_at < _idle_limit()
            and moment - row.created_at < _lifetime())


def _row_of_cookie():
    session_id = session.get(SESSION_KEY)
    if not isinstance(session_id, str) or not session_id:
        return None
    return db.session.get(OrganiserSession, _hashed(session_id))


def start(user):
    """Sign `user` in with a new session. The cookie is emptied first, so an id (or a CSRF token)
    planted before sign-in is never the one used after it. The caller commits."""
    end()
    moment = now()
    # Sessions past their lifetime can open nothing: forget them.
    db.session.execute(delete(OrganiserSession).where(OrganiserSession.created_at < moment - _lifetime()))
    session_id = secrets.token_urlsafe(32)
    db.session.add(OrganiserSession(id_hash=_hashed(session_id), user_id=user.id, created_at=moment,
                                    last_seen_at=moment))
    session.clear()
    session[SESSION_KEY] = session_id


def current_user():
    """The organiser whose open session this request's cookie names, or None (and the cookie
    forgets the id). Notes the use, at most once a minute."""
    row = _row_of_cookie()
    moment = now()
    user = db.session.get(User, row.user_id) if row is not None and _open(row, moment) else None
    if user is None or user.disabled_at is not None:
        session.pop(SESSION_KEY, None)
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = moment
        db.session.commit()
    return user


def end():
    """Revoke the session this request's cookie names (sign-out) and empty the cookie. The caller commits."""
    row = _row_of_cookie()
    if row is not None and row.revoked_at is None:
        db.session.execute(update(OrganiserSession).where(OrganiserSession.id_hash == row.id_hash)
                           .values(revoked_at=now()))
    session.clear()
