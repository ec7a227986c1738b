"""The emails the site sends, each queued in the outbox in the caller's transaction.

- confirm: "please confirm your signature" where the campaign requires it (and again, now and
  then, to a pending signer who signs again or asks from an expired link); elsewhere "please
  confirm your address" to a signer who asked for news: news goes only to confirmed addresses;
- already_signed: to an address that signed and is used to sign again (petitions/signing.py);
- thanks: "you are counted", only to signers who asked for news (it carries the unsubscribe
  link); a signer who chose "only to count me once" gets the confirmation email and nothing else;
- update:<name> (a template, `flask mail update CAMPAIGN TEMPLATE`) and news:<id> (an update an
  organiser wrote, mail/news.py): news, only to consenting, counted, subscribed signers, rendered
  once per language (news_email) and given each signer's own unsubscribe link (mail/updates.py).
"""
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import g
from flask_babel import format_date, pgettext

from ..models import SIGNATURE_PENDING, utcnow
from .compose import Composed, compose, compose_shared, from_header, in_language
from .links import confirmation_max_age_seconds, confirmation_token_for, site_url, unsubscribe_token
from .outbox import enqueue

# RFC 3834: written by software in answer to something the person did.
AUTOMATIC = {"Auto-Submitted": "auto-generated"}


def confirm_button_label():
    # Translators: Button on the page opened from the confirmation email. The email tells the signer to press it, quoting this label.
    return pgettext("button", "Confirm my signature")


def unsubscribe_headers(signature, tag, token=None):
    """RFC 2369 and RFC 8058: mail programs show an "unsubscribe" that POSTs to this URL."""
    one_click = site_url(f"{signature.campaign}.unsubscribe_one_click", lang=tag,
                         token=token or unsubscribe_token(signature))
    return {"List-Unsubscribe": f"<{one_click}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_page(signature, tag, token=None):
    return site_url(f"{signature.campaign}.unsubscribe", lang=tag, token=token or unsubscribe_token(signature))


def confirmation_email(definition, reference, counts):
    """The confirmation email of the signature with this reference, in the current language
    (inside in_language). `counts`: the signature counts only once confirmed."""
    tag = g.lang
    expires = utcnow() + timedelta(seconds=confirmation_max_age_seconds())
    confirm_url = site_url(f"{definition.slug}.confirm", lang=tag,
                           token=confirmation_token_for(reference, definition.slug))
    return compose_shared("confirm", definition, per_message={"confirm_url": confirm_url},
                          button=confirm_button_label(), expires=format_date(expires.date(), "long"), counts=counts)


def already_signed_email(definition, resent=False):
    """"You have already signed", in the current language (inside in_language). `resent`: the
    address was typed to have the confirmation email sent again (petitions/resend.py), not to sign."""
    return compose_shared("already_signed", definition, resent=resent)


def queue_confirmation(signature, definition):
    with in_language(signature.locale):
        composed = confirmation_email(definition, signature.reference, counts=signature.status == SIGNATURE_PENDING)
        return enqueue(signature, "confirm", composed, from_header(), headers=AUTOMATIC)


def queue_already_signed(signature, definition, to_address, tag, resent=False):
    """To the address just typed, in the language of the page it was typed on."""
    with in_language(tag):
        return enqueue(signature, "already_signed", already_signed_email(definition, resent), from_header(),
                       headers=AUTOMATIC, to_address=to_address, locale=tag)


def queue_thanks(signature, definition):
    with in_language(signature.locale) as tag:
        composed = compose("thanks", signature, definition, unsubscribe_url=unsubscribe_page(signature, tag))
        headers = {**AUTOMATIC, **unsubscribe_headers(signature, tag)}
        return enqueue(signature, "thanks", composed, from_header(), headers=headers)


@dataclass(frozen=True)
class NewsEmail:
    """A news email in one language, rendered once for all its readers in that language (news
    is the same for everyone but the unsubscribe link, and 100,000 renderings would take minutes).
    `marker` stands where each signer's unsubscribe token goes: random, and made of URL-safe
    characters that no URL or HTML escaping changes."""

    locale: str
    from_address: str
    composed: Composed
    headers: dict
    marker: str

    def outbox_values(self, signature, serializer=None):
        """The outbox columns of this email for `signature` (anything with id, campaign, email and
        reference); `serializer`: links.unsubscribe_serializer(), made once for many signers."""
        token = unsubscribe_token(signature, serializer)
        return dict(signature_id=signature.id, campaign=signature.campaign, locale=self.locale,
                    to_address=signature.email, from_address=self.from_address, **self.filled(token))

    def filled(self, token):
        """Subject, bodies and headers with `token` in the unsubscribe links (a preview passes a sample)."""
        def fill(text):
            return text.replace(self.marker, token)

        return dict(subject=self.composed.subject, body_text=fill(self.composed.text),
                    body_html=fill(self.composed.html),
                    headers={name: fill(value) for name, value in self.headers.items()})


@dataclass(frozen=True)
class _Campaign:
    campaign: str


def news_email(template, definition, tag, **context):
    """News template `email/<template>` in language `tag` (a language not configured: the
    default), with the unsubscribe page and the one-click header. The caller's context must not
    carry anything a signer typed (compose)."""
    with in_language(tag) as tag:
        marker = f"unsubscribe-{secrets.token_hex(12)}"
        slug = _Campaign(definition.slug)
        composed = compose(template, None, definition, unsubscribe_url=unsubscribe_page(slug, tag, marker), **context)
        return NewsEmail(tag, from_header(), composed, unsubscribe_headers(slug, tag, marker), marker)
