"""Organiser accounts: `flask users create|set-password|disable|grant|revoke`, and argon2 password hashing.

Passwords are hashed with argon2id (argon2-cffi's default parameters, RFC 9106 low-memory
profile); `verify_password` also upgrades a hash made with older parameters. These commands
are the only way accounts change, and each is in the audit log with the operating-system user
who ran it; sign-in is campaign/organisers/auth.py.
"""
import unicodedata

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask.cli import AppGroup
from sqlalchemy import select, update

from .audit import audit_command
from .extensions import db
from .models import ROLE_ADMIN, ROLE_ORGANISER, OrganiserSession, User, utcnow

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024  # hashing is deliberately slow; refuse megabyte "passwords"

hasher = PasswordHasher()
users_cli = AppGroup("users", help="Organiser accounts (they sign in at /<lang>/organisers/login).")


def normalise_email(email):
    return unicodedata.normalize("NFKC", email).strip().casefold()


def hash_password(password):
    return hasher.hash(password)


def verify_password(user, password):
    """Whether `password` is the user's; never raises for a wrong or malformed hash."""
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def check_password(password):
    if len(password) < PASSWORD_MIN_LENGTH:
        raise click.BadParameter(f"use at least {PASSWORD_MIN_LENGTH} characters", param_hint="password")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise click.BadParameter(f"use at most {PASSWORD_MAX_LENGTH} characters", param_hint="password")
    return password


def end_sessions(user):
    """Revoke every open session of `user` (organisers/sessions.py): each copy of each of its
    cookies stops working on its next request. Returns how many ended; the caller commits."""
    return db.session.execute(
        update(OrganiserSession).where(OrganiserSession.user_id == user.id, OrganiserSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())).rowcount


def find_user(email):
    return db.session.scalars(select(User).where(User.email == normalise_email(email))).first()


def _existing(email):
    user = find_user(email)
    if user is None:
        raise click.ClickException(f"no account for {normalise_email(email)}")
    return user


def _password_option():
    return click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
                        callback=lambda context, param, value: check_password(value),
                        help=f"Prompted for when left out (at least {PASSWORD_MIN_LENGTH} characters).")


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The organiser's name, as the audit log will show it.")
@click.option("--role", type=click.Choice([ROLE_ORGANISER, ROLE_ADMIN]), default=ROLE_ORGANISER, show_default=True)
@_password_option()
def create_command(email, name, role, password):
    """Create an account for EMAIL."""
    address = normalise_email(email)
    if "@" not in address or len(address) > 254:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if find_user(address) is not None:
        raise click.ClickException(f"an account for {address} already exists")
    user = User(email=address, name=name.strip(), role=role, password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    audit_command("user_create", account=user.id, email=address, role=role)
    db.session.commit()
    click.echo(f"Created {role} account {address}.")


@users_cli.command("set-password")
@click.argument("email")
@_password_option()
def set_password_command(email, password):
    """Set a new password for EMAIL's account."""
    user = _existing(email)
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    ended = end_sessions(user)
    audit_command("user_set_password", account=user.id, email=user.email, sessions_ended=ended)
    db.session.commit()
    click.echo(f"Password changed for {user.email}.")


@users_cli.command("disable")
@click.argument("email")
def disable_command(email):
    """Disable EMAIL's account: it can no longer sign in and its open sessions end (its row stays
    for the audit log)."""
    user = _existing(email)
    ended = end_sessions(user)
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        audit_command("user_disable", account=user.id, email=user.email, sessions_ended=ended)
    db.session.commit()
    click.echo(f"Disabled {user.email}.")


def _campaign_argument(context, param, value):
    from .campaigns import definitions

    slugs = [definition.slug for definition in definitions()]
    if value not in slugs:
        raise click.BadParameter(f"one of {', '.join(slugs)}", param_hint="CAMPAIGN")
    return value


@users_cli.command("grant")
@click.argument("email")
@click.argument("campaign", callback=_campaign_argument)
def grant_command(email, campaign):
    """Let EMAIL's organiser account see and manage CAMPAIGN (admins see every campaign)."""
    from .models import CampaignOrganiser

    user = _existing(email)
    if db.session.get(CampaignOrganiser, (user.id, campaign)) is None:
        db.session.add(CampaignOrganiser(user_id=user.id, campaign=campaign))
        audit_command("user_grant", campaign, account=user.id, email=user.email)
        db.session.commit()
    click.echo(f"{user.email} may manage {campaign}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("campaign", callback=_campaign_argument)
def revoke_command(email, campaign):
    """Take CAMPAIGN away from EMAIL's organiser account."""
    from .models import CampaignOrganiser

    user = _existing(email)
    row = db.session.get(CampaignOrganiser, (user.id, campaign))
    if row is not None:
        db.session.delete(row)
        audit_command("user_revoke", campaign, account=user.id, email=user.email)
        db.session.commit()
    click.echo(f"{user.email} no longer manages {campaign}.")
