"""Organiser sign-in and sign-out and the `login_required` guard.

Failed attempts are counted per account in the rate-limit storage (Redis in production); an
address without an account is counted the same way, and every refusal (unknown address, wrong
password, disabled account, locked account) gets the same page, status and argon2 work.
"""
import hashlib
import re
from functools import lru_cache, wraps
from types import SimpleNamespace

from flask import current_app, g, redirect, render_template, request, session, url_for
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from limits import parse
from sqlalchemy import select
from wtforms import EmailField, PasswordField

from ..accounts import PASSWORD_MAX_LENGTH, find_user, hasher, normalise_email, verify_password
from ..audit import audit
from ..extensions import db, limiter
from ..models import ROLE_ADMIN, CampaignOrganiser, User
from . import organisers

SESSION_USER = "organiser_id"
# A path of our own organiser pages (/ko/organisers/xi/?page=2), the only `next` followed after sign-in.
ORGANISER_PATH = re.compile(r"^/[A-Za-z-]{2,10}/organisers/[A-Za-z0-9._~/?=&%-]*$")
SESSION_VERSION = "organiser_version"


class LoginForm(FlaskForm):
    email = EmailField(lazy_pgettext("form field", "Email address"),
                       render_kw={"autocomplete": "username", "maxlength": 254})
    password = PasswordField(lazy_pgettext("form field", "Password"),
                             render_kw={"autocomplete": "current-password"})


def session_version(user):
    """Changes when the password changes (`flask users set-password`): older sessions end."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


@lru_cache(maxsize=1)
def _dummy_user():
    """Verified against for unknown addresses, so they take as long as a wrong password."""
    return SimpleNamespace(password_hash=hasher.hash("not a password: this account does not exist"))


def _lockout_key(address):
    return hashlib.sha256(address.encode()).hexdigest()


def _lockout():
    return parse(current_app.config["LOGIN_LOCKOUT"])


def login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def check_credentials(email, password):
    """The account these credentials open, or None, doing the same work in every case."""
    address = normalise_email(email or "")[:254]
    password = (password or "")[:PASSWORD_MAX_LENGTH]
    key = _lockout_key(address)
    locked = not limiter.limiter.test(_lockout(), "organiser-login", key)
    user = find_user(address) if address else None
    usable = user is not None and user.disabled_at is None and not locked
    if usable and verify_password(user, password):
        return user, user
    if not usable:
        verify_password(_dummy_user(), password)
    limiter.limiter.hit(_lockout(), "organiser-login", key)
    return None, user


def current_organiser():
    user_id = session.get(SESSION_USER)
    if user_id is None:
        return None
    user = db.session.get(User, user_id)
    if user is None or user.disabled_at is not None or session.get(SESSION_VERSION) != session_version(user):
        session.pop(SESSION_USER, None)
        session.pop(SESSION_VERSION, None)
        return None
    return user


def login_required(view):
    @wraps(view)
    def guarded(*args, **kwargs):
        user = current_organiser()
        if user is None:
            # Back to the page asked for after signing in (a GET only: a form posted while signed
            # out is not replayed).
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("organisers.login", next=target), code=303)
        g.organiser = user
        return view(*args, **kwargs)
    return guarded


def visible_campaigns(user):
    """Slugs of the campaigns `user` may see: every campaign for an admin, else those listed."""
    from ..campaigns import definitions

    slugs = [definition.slug for definition in definitions()]
    if user.role == ROLE_ADMIN:
        return slugs
    listed = set(db.session.scalars(select(CampaignOrganiser.campaign).where(CampaignOrganiser.user_id == user.id)))
    return [slug for slug in slugs if slug in listed]


def _login_page(form, status=200, failed=False):
    return render_template("organisers/login.html", form=form, failed=failed), status


def _after_login():
    """Where to go after signing in: the organiser page asked for (`next`), else the campaign list.
    Only a path of our organiser pages is followed, never another site."""
    target = request.args.get("next", "")
    return target if ORGANISER_PATH.match(target) else url_for("organisers.home")


@organisers.get("/login")
def login():
    if current_organiser() is not None:
        return redirect(_after_login(), code=303)
    return _login_page(LoginForm(formdata=None))


@organisers.post("/login")
@limiter.limit(login_rate_limit, scope="organiser-login-ip")
def login_submit():
    form = LoginForm()
    if not form.validate_on_submit():  # the global CSRF check has already passed
        return _login_page(form, 400)
    user, named = check_credentials(form.email.data, form.password.data)
    if user is None:
        audit("login_failed", named, email=normalise_email(form.email.data or "")[:254])
        db.session.commit()
        form.password.data = ""
        return _login_page(form, 401, failed=True)
    session.clear()
    session[SESSION_USER] = user.id
    session[SESSION_VERSION] = session_version(user)
    audit("login", user)
    db.session.commit()
    return redirect(_after_login(), code=303)


@organisers.post("/logout")
def logout():
    user = current_organiser()
    if user is not None:
        audit("logout", user)
        db.session.commit()
    session.clear()
    return redirect(url_for("organisers.login"), code=303)
