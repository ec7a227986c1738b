"""Signed links in emails: confirm a signature, stop news. Absolute URLs start with SITE_URL.

Tokens are itsdangerous signatures with SECRET_KEY and a salt per purpose, so a token made for
one purpose (or one campaign) is refused by another. They carry the signature's random
reference, never its number: a token is readable (base64), and a number would tell how many
signed before and when. Confirmation tokens expire
(CONFIRMATION_MAX_AGE_DAYS); unsubscribe tokens do not: an old email must still stop the news.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..extensions import db
from ..models import Signature

CONFIRM_SALT = "campaign.email.confirm-signature"
UNSUBSCRIBE_SALT = "campaign.email.unsubscribe"


class InvalidLink(Exception):
    """Not a token we made (or made for another purpose or campaign)."""


class ExpiredLink(Exception):
    """A genuine confirmation token, too old to confirm; it still names its signature."""

    def __init__(self, reference):
        super().__init__(reference)
        self.reference = reference


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirmation_token_for(reference, slug):
    return _serializer(CONFIRM_SALT).dumps([reference, slug])


def unsubscribe_token(signature, serializer=None):
    """`serializer`: unsubscribe_serializer(), made once for many tokens (news to thousands)."""
    return (serializer or unsubscribe_serializer()).dumps([signature.reference, signature.campaign])


def unsubscribe_serializer():
    return _serializer(UNSUBSCRIBE_SALT)


def confirmation_max_age_seconds():
    return current_app.config["CONFIRMATION_MAX_AGE_DAYS"] * 24 * 3600


def read_confirmation_token(token, slug, check_age=True):
    """The signature reference in a confirmation token for campaign `slug`; ExpiredLink or InvalidLink."""
    serializer = _serializer(CONFIRM_SALT)
    try:
        payload = serializer.loads(token, max_age=confirmation_max_age_seconds() if check_age else None)
    except SignatureExpired as error:
        # The signature is genuine, only old: its payload (still encoded) is trustworthy.
        try:
            payload = serializer.load_payload(error.payload)
        except BadSignature:
            raise InvalidLink() from None
        raise ExpiredLink(_reference(payload, slug)) from None
    except BadSignature:
        raise InvalidLink() from None
    return _reference(payload, slug)


def read_unsubscribe_token(token, slug):
    try:
        payload = _serializer(UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise InvalidLink() from None
    return _reference(payload, slug)


def _reference(payload, slug):
    """A random reference (str); or, in links sent before references existed, a signature
    number (int), still honoured so that an old email can stop the news it brings."""
    if (not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[0], (str, int))
            or isinstance(payload[0], bool) or payload[1] != slug):
        raise InvalidLink()
    return payload[0]


def find_signature(reference):
    """The signature a token's reference names, or None (erased, or never existed)."""
    if isinstance(reference, int):
        return db.session.get(Signature, reference)
    return db.session.execute(select(Signature).where(Signature.reference == reference)).scalar_one_or_none()


def site_url(endpoint, **values):
    """An absolute URL on the public site. Built from SITE_URL, never from the request's Host
    header, which a visitor controls (a forged host would put our tokens in their links)."""
    adapter = current_app.url_map.bind("localhost")
    path = adapter.build(endpoint, values)
    return current_app.config["SITE_URL"].rstrip("/") + path


def site_host():
    """SITE_URL without the scheme, as people write it (petitions.example.org)."""
    url = current_app.config["SITE_URL"].rstrip("/")
    return url.split("://", 1)[-1]
