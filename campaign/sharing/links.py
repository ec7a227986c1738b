"""Share links: plain links to each service's own share page, so nothing of theirs loads on ours.

Every URL shared is the sign page in the page's language, built from SITE_URL (never from the
Host header: the sign page is cached per process and shared by every visitor).

KakaoTalk has no share URL a plain link can open: Kakao's only web sharing is its JavaScript SDK,
loaded from Kakao with an app key registered for our domain, which would put a third-party script
on our pages. Instead, KakaoTalk's entry leads to our share page, where our own small script
(static/share.js) offers the browser's share sheet (Web Share API). On phones that sheet lists
KakaoTalk when it is installed; elsewhere the page offers the link to copy and paste.
"""
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from babel.core import Locale, get_global
from flask import current_app, url_for
from flask_babel import gettext as _, pgettext

from ..i18n import offered_languages
from ..mail.links import site_url


@dataclass(frozen=True)
class ShareLink:
    service: str  # x, facebook, line, kakaotalk, wechat, email: a CSS class and a test handle
    label: str
    url: str


def page_url(definition, lang):
    """The sign page in `lang`: what people share."""
    return site_url(f"{definition.slug}.sign", lang=lang)


def share_text(definition):
    # Translators: The message people share on X, LINE and by email, followed by the link. %(title)s is the petition's title.
    return _("Please read and sign the petition “%(title)s”.", title=definition.title)


def x_url(definition, lang):
    """X (Twitter) web intent: the text, the link, and the campaign's hashtag unless the text has it."""
    text = share_text(definition)
    query = {"text": text, "url": page_url(definition, lang)}
    if definition.hashtag and f"#{definition.hashtag}".casefold() not in text.casefold():
        query["hashtags"] = definition.hashtag
    return "https://twitter.com/intent/tweet?" + urlencode(query, quote_via=quote)


def facebook_url(definition, lang):
    return "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": page_url(definition, lang)},
                                                                     quote_via=quote)


def line_url(definition, lang):
    """LINE's documented share link for a custom button (LINE Social Plugins)."""
    return "https://social-plugins.line.me/lineit/share?" + urlencode(
        {"url": page_url(definition, lang), "text": share_text(definition)}, quote_via=quote)


def email_url(definition, lang):
    """mailto: with subject and body, percent-encoded as RFC 6068 asks (spaces as %20, never +)."""
    body = f"{share_text(definition)}\n\n{page_url(definition, lang)}"
    return "mailto:?" + urlencode({"subject": str(definition.title), "body": body.replace("\n", "\r\n")},
                                  quote_via=quote)


def share_links(definition, lang):
    """The share block's links, in the order people in our four languages most use them."""
    return [
        # Translators: Link that opens X (Twitter) with a post about the petition ready to send.
        ShareLink("x", pgettext("share", "Post on X"), x_url(definition, lang)),
        # Translators: Link that opens Facebook's share dialog for the petition.
        ShareLink("facebook", pgettext("share", "Share on Facebook"), facebook_url(definition, lang)),
        # Translators: Link that opens LINE (the messaging app) to send the petition's link to friends.
        ShareLink("line", pgettext("share", "Send with LINE"), line_url(definition, lang)),
        # Translators: Link to our share page, which offers the phone's share sheet to send the link with KakaoTalk (카카오톡).
        ShareLink("kakaotalk", pgettext("share", "Send with KakaoTalk"),
                  url_for(f"{definition.slug}.share", lang=lang, _anchor="kakaotalk")),
        # Translators: Opens the visitor's email program with a message about the petition.
        ShareLink("email", pgettext("share", "Send by email"), email_url(definition, lang)),
    ]


# Open Graph wants language_TERRITORY; these are the territories whose usage our catalogs follow.
OG_LOCALES = {"en": "en_US", "ko": "ko_KR", "zh-Hans": "zh_CN", "zh-Hant": "zh_TW"}


def og_locale(tag):
    if tag in OG_LOCALES:
        return OG_LOCALES[tag]
    locale = Locale.parse(tag.replace("-", "_"))
    # A tag without a territory takes CLDR's likely one: ja -> ja_JP, fr -> fr_FR.
    territory = locale.territory or Locale.parse(get_global("likely_subtags").get(locale.language, "")
                                                 or locale.language).territory
    return f"{locale.language}_{territory}" if territory else locale.language


def og_alternate_locales(tag):
    return [og_locale(other) for other in offered_languages() if other != tag]


def embed_code(definition, lang, title):
    """The <iframe> a partner pastes into their page to show the widget."""
    from markupsafe import escape

    src = site_url(f"{definition.slug}.widget", lang=lang)
    width, height = current_app.config["WIDGET_SIZE"]
    return (f'<iframe src="{escape(src)}" title="{escape(title)}" width="{width}" height="{height}" '
            f'style="border:0;max-width:100%" loading="lazy"></iframe>')
