"""Sharing routes on each campaign's blueprint: share page, share image, QR code, widget."""
from flask import current_app, g, make_response, render_template, request
from flask_babel import pgettext

from ..mail.links import site_host, site_url
from ..petitions.counting import campaign_state
from ..security import allow_framing
from . import image, links
from .qr import qr_svg
from .social_proof import partner_list, social_proof

YEAR = 365 * 24 * 3600


def share_image_texts(definition):
    """What the share image says, in the page's language: title, byline, call to action, address."""
    from ..campaigns.common import coalition_name  # campaigns import this package through the blueprint

    return (str(definition.title), coalition_name(), definition.sign_button(), site_host())


def share_image_url(definition, lang):
    """Absolute URL of the share image, with the digest of its texts (a new text, a new URL)."""
    version = image.digest(lang, *share_image_texts(definition))
    return site_url(f"{definition.slug}.share_image", lang=lang, v=version)


def add_sharing_routes(blueprint, definition, public):

    @blueprint.get("/share")
    def share():
        """Every way to share: links, QR code for WeChat, the link to copy, the embed code."""
        state = campaign_state(definition)
        return public(render_template("sharing/share.html", petition=definition, state=state))

    @blueprint.get("/share.png")
    def share_image():
        lang = g.lang
        texts = share_image_texts(definition)
        version = image.digest(lang, *texts)
        response = make_response(image.cached_render(lang, *texts))
        response.mimetype = "image/png"
        response.set_etag(version)
        response.cache_control.public = True
        if request.args.get("v") == version:
            # This URL will never show anything else.
            response.cache_control.max_age = YEAR
            response.cache_control.immutable = True
        else:
            response.cache_control.max_age = 24 * 3600
        return response.make_conditional(request)

    @blueprint.get("/qr.svg")
    def qr_code():
        # Translators: Title inside the QR code image (read by screen readers). %(title)s is the petition's title.
        title = pgettext("share", "QR code: link to “%(title)s”") % {"title": definition.title}
        response = make_response(qr_svg(links.page_url(definition, g.lang), title))
        response.mimetype = "image/svg+xml"
        response.cache_control.public = True
        response.cache_control.max_age = 24 * 3600
        return response

    @blueprint.get("/widget")
    def widget():
        """A small page partners embed in an <iframe>: the only page that may be framed."""
        state = campaign_state(definition)
        response = public(render_template("sharing/widget.html", petition=definition, state=state,
                                          sign_url=links.page_url(definition, g.lang)))
        return allow_framing(response, current_app.config["WIDGET_FRAME_ANCESTORS"])

    @blueprint.context_processor
    def sharing_context():
        return {"social_proof": social_proof, "partner_list": partner_list, "share_links": links.share_links, "share_text": links.share_text, "share_page_url": links.page_url,
                "share_image_url": share_image_url, "og_locale": links.og_locale,
                "og_alternate_locales": links.og_alternate_locales, "embed_code": links.embed_code,
                "share_image_size": (image.WIDTH, image.HEIGHT)}
