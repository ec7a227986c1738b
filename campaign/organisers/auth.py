"""Organiser sign-in and sign-out and the `login_required` guard (sessions: sessions.py).

Failed attempts are counted in the rate-limit storage (Redis in production), never so that a
stranger can lock an organiser out:
- per account *and* client network (an IPv4 address, an IPv6 /64): after LOGIN_LOCKOUT failures
  that network's attempts at that account are refused like a wrong password, while the organiser
  still signs in from any other network;
- per account from every network: after LOGIN_ACCOUNT_FAILURES (many networks guessing together)
  the account is slowed, not locked: LOGIN_SLOWED_ATTEMPTS at a time, anyone else gets a 429 with
  Retry-After, and the organiser who waits those seconds signs in.
An address without an account is counted the same way, and every refusal (unknown address, wrong
password, disabled account, locked network) gets the same page, status and argon2 work.
"""
import hashlib
import math
import re
import time
from functools import lru_cache, wraps
from types import SimpleNamespace

from email_validator import EmailNotValidError, validate_email
from flask import current_app, g, redirect, render_template, request, url_for
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from limits import parse
from sqlalchemy import select
from wtforms import EmailField, PasswordField

from ..audit import audit
from ..accounts import PASSWORD_MAX_LENGTH, find_user, hasher, normalise_email, verify_password
from ..extensions import client_network, db, limiter
from ..models import ROLE_ADMIN, CampaignOrganiser
from . import organisers, sessions

# A path of our own organiser pages (/ko/organisers/xi/?page=2), the only `next` followed after
# sign-in. Matched whole (fullmatch): `$` would also match before a final line break, and a
# Location header with a line break is a 500.
ORGANISER_PATH = re.compile(r"/[A-Za-z-]{2,10}/organisers/[A-Za-z0-9._~/?=&%-]*")


class LoginForm(FlaskForm):
    # Translators: Field of every form that asks for an email address: signing forms and the organisers' sign-in page.
    email = EmailField(lazy_pgettext("form field", "Email address"),
                       render_kw={"autocomplete": "username", "maxlength": 254})
    # Translators: Field on the organisers' sign-in page.
    password = PasswordField(lazy_pgettext("form field", "Password"),
                             render_kw={"autocomplete": "current-password"})


class SlowedDown(Exception):
    """Too many failures at this account from everywhere: wait `retry_after` seconds."""

    def __init__(self, retry_after):
        super().__init__(retry_after)
        self.retry_after = retry_after


@lru_cache(maxsize=1)
def _dummy_user():
    """Verified against for unknown addresses, so they take as long as a wrong password."""
    return SimpleNamespace(password_hash=hasher.hash("not a password: this account does not exist"))


def _limit(name):
    return parse(current_app.config[name])


def login_rate_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _seconds_until_free(limit, *keys):
    reset_at, _remaining = limiter.limiter.get_window_stats(limit, *keys)
    return max(1, math.ceil(reset_at - time.time()))


def check_credentials(email, password):
    """The account these credentials open (or None) and the account the address names (or None),
    doing the same work in every case. Raises SlowedDown when the account is being guessed at
    from many networks and this attempt must wait."""
    address = normalise_email(email or "")[:254]
    password = (password or "")[:PASSWORD_MAX_LENGTH]
    account = hashlib.sha256(address.encode()).hexdigest()
    from_here = f"{account}:{client_network()}"
    if not limiter.limiter.test(_limit("LOGIN_ACCOUNT_FAILURES"), "organiser-login-account", account):
        slowed = _limit("LOGIN_SLOWED_ATTEMPTS")
        if not limiter.limiter.hit(slowed, "organiser-login-slowed", account):
            raise SlowedDown(_seconds_until_free(slowed, "organiser-login-slowed", account))
    locked = not limiter.limiter.test(_limit("LOGIN_LOCKOUT"), "organiser-login", from_here)
    user = find_user(address) if address else None
    usable = user is not None and user.disabled_at is None and not locked
    if usable and verify_password(user, password):
        return user, user
    if not usable:
        verify_password(_dummy_user(), password)
    limiter.limiter.hit(_limit("LOGIN_LOCKOUT"), "organiser-login", from_here)
    limiter.limiter.hit(_limit("LOGIN_ACCOUNT_FAILURES"), "organiser-login-account", account)
    return None, user


def typed_address(email):
    """What was typed as the address, for the audit log, only when it has the shape of an email
    address: something else in that box may be a password typed into the wrong one."""
    address = normalise_email(email or "")[:254]
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return address


def current_organiser():
    return sessions.current_user()


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


def _login_page(form, status=200, failed=False, retry_after=None):
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return render_template("organisers/login.html", form=form, failed=failed, retry_after=retry_after), \
        status, headers


def _after_login():
    """Where to go after signing in: the organiser page asked for (`next`), else the campaign list.
    Only a path of our organiser pages is followed, never another site."""
    target = request.args.get("next", "")
    return target if ORGANISER_PATH.fullmatch(target) else url_for("organisers.home")


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
    try:
        user, named = check_credentials(form.email.data, form.password.data)
    except SlowedDown as slowed:
        address = typed_address(form.email.data)
        audit("login_slowed", find_user(address) if address else None, email=address)
        db.session.commit()
        form.password.data = ""
        return _login_page(form, 429, retry_after=slowed.retry_after)
    if user is None:
        audit("login_failed", named, email=typed_address(form.email.data))
        db.session.commit()
        form.password.data = ""
        return _login_page(form, 401, failed=True)
    sessions.start(user)
    audit("login", user)
    db.session.commit()
    return redirect(_after_login(), code=303)


@organisers.post("/logout")
def logout():
    user = current_organiser()
    if user is not None:
        audit("logout", user)
    sessions.end()
    db.session.commit()
    return redirect(url_for("organisers.login"), code=303)
