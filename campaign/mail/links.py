"""Signed links in emails: confirm a signature, stop news. Absolute URLs start with SITE_URL.

Tokens are itsdangerous signatures with SECRET_KEY and a salt per purpose, so a token made for
one purpose (or one campaign) is refused by another. Confirmation tokens expire
(CONFIRMATION_MAX_AGE_DAYS); unsubscribe tokens do not: an old email must still stop the news.
"""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_SALT = "campaign.email.confirm-signature"
UNSUBSCRIBE_SALT = "campaign.email.unsubscribe"


class InvalidLink(Exception):
    """Not a token we made (or made for another purpose or campaign)."""


class ExpiredLink(Exception):
    """A genuine confirmation token, too old to confirm; it still names its signature."""

    def __init__(self, signature_id):
        super().__init__(signature_id)
        self.signature_id = signature_id


def _serializer(salt):
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def confirmation_token(signature):
    return _serializer(CONFIRM_SALT).dumps([signature.id, signature.campaign])


def unsubscribe_token(signature):
    return _serializer(UNSUBSCRIBE_SALT).dumps([signature.id, signature.campaign])


def confirmation_max_age_seconds():
    return current_app.config["CONFIRMATION_MAX_AGE_DAYS"] * 24 * 3600


def read_confirmation_token(token, slug, check_age=True):
    """The signature id in a confirmation token for campaign `slug`; ExpiredLink or InvalidLink."""
    serializer = _serializer(CONFIRM_SALT)
    try:
        payload = serializer.loads(token, max_age=confirmation_max_age_seconds() if check_age else None)
    except SignatureExpired as error:
        # The signature is genuine, only old: its payload (still encoded) is trustworthy.
        try:
            payload = serializer.load_payload(error.payload)
        except BadSignature:
            raise InvalidLink() from None
        raise ExpiredLink(_signature_id(payload, slug)) from None
    except BadSignature:
        raise InvalidLink() from None
    return _signature_id(payload, slug)


def read_unsubscribe_token(token, slug):
    try:
        payload = _serializer(UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        raise InvalidLink() from None
    return _signature_id(payload, slug)


def _signature_id(payload, slug):
    if (not isinstance(payload, list) or len(payload) != 2 or not isinstance(payload[0], int)
            or payload[1] != slug):
        raise InvalidLink()
    return payload[0]


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
