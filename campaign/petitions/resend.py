""""Send the email again", on the thanks page of a campaign whose signatures count once confirmed.

The form asks for the address again: the thanks page is the same for every visitor (it may not
know, or say, who just signed), and cached, so it carries no CSRF token either. Instead the POST
is refused when the browser says it comes from another site (Sec-Fetch-Site, else Origin), and it
is rate-limited per client (CONFIRM_RESEND_RATE_LIMIT) and per mailbox (the signing window,
CONFIRMATION_RESEND_MINUTES, in confirmation.resend_to_address).

Whatever the address, the answer is the same redirect to the same page: it never says whether the
address signed, confirmed, or was ever used. A mistake in the address brings the thanks page
back with the error and what was typed, as a private page that no cache keeps.
"""
from urllib.parse import urlsplit

from flask import abort, current_app, g, make_response, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from ..extensions import csrf, limiter
from .confirmation import confirmation_required, resend_to_address
from .counting import campaign_state
from .forms import email_field
from .identity import email_identity


class ResendForm(FlaskForm):
    class Meta:
        csrf = False  # on a page shared by every visitor; see from_this_site

    email = email_field(required=True)


def offers_resend(definition):
    """Only where a signature waits for its confirmation and the address is what identifies a person."""
    return confirmation_required(definition) and definition.identity is email_identity


def resend_form(definition):
    return ResendForm(formdata=None) if offers_resend(definition) else None


def from_this_site():
    """What the browser says about where the form was sent from (no header: an old browser or a
    script, which a CSRF token would not stop either)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    ours = {request.host_url.rstrip("/"), current_app.config["SITE_URL"].rstrip("/")}
    return origin in {f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" for url in ours}


def resend_rate_limit():
    return current_app.config["CONFIRM_RESEND_RATE_LIMIT"]


def add_resend_routes(blueprint, definition, public):
    @blueprint.post("/thanks/resend")
    @csrf.exempt
    @limiter.limit(resend_rate_limit, scope=f"thanks-resend:{definition.slug}")
    def resend():
        if not offers_resend(definition):
            abort(404)
        if not from_this_site():
            abort(403)
        form = ResendForm(formdata=request.form)
        if not form.validate():
            body = render_template("petitions/thanks.html", petition=definition, state=campaign_state(definition),
                                   confirmation=True, resend_form=form)
            response = make_response(body, 400)
            response.cache_control.no_store = True
            response.cache_control.private = True
            return response
        resend_to_address(definition, form.email.data, g.lang)
        return redirect(url_for(".resent", lang=g.lang), code=303)

    @blueprint.get("/thanks/resent")
    def resent():
        # The same page for everyone, whatever was typed: it names no one.
        if not offers_resend(definition):
            abort(404)
        return public(render_template("petitions/resent.html", petition=definition))
