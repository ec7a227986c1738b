"""One blueprint factory for every campaign: sign page, thanks page and live count."""
from flask import (Blueprint, current_app, g, jsonify, make_response, redirect, render_template, request,
                   url_for)
from flask_babel import gettext as _

from ..extensions import csrf, limiter
from ..i18n import take_language_from_url
from ..sharing import add_sharing_routes
from .ceiling import seconds_until_room
from .confirmation import confirmation_required
from .counting import CampaignClosed, campaign_state
from .country_order import first_countries
from .email_pages import add_email_routes
from .media import add_media_routes
from .page_cache import cached_sign_page
from .resend import add_resend_routes, resend_form
from .results import add_results_routes
from .signing import record_signature


def sign_rate_limit():
    return current_app.config["SIGN_RATE_LIMIT"]


def sign_rate_limit_all_campaigns():
    return current_app.config["SIGN_RATE_LIMIT_ALL_CAMPAIGNS"]


def private(body, status=200):
    """A page that carries this visitor's CSRF token: never from a shared cache."""
    response = make_response(body, status)
    # The header as a string: werkzeug's cache_control object re-parses and re-writes it on each
    # change, a measurable part of serving the sign page to a crowd.
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def public(body):
    """Mark a response that is the same for every visitor as briefly cacheable by proxies."""
    response = make_response(body)
    response.headers["Cache-Control"] = f"public, max-age={current_app.config['PUBLIC_CACHE_SECONDS']}"
    return response


def make_petition_blueprint(definition):
    blueprint = take_language_from_url(
        Blueprint(definition.slug, __name__, url_prefix=f"/<lang:lang>/{definition.slug}"))
    blueprint.petition = definition

    def new_form(formdata):
        form = definition.form_class(formdata=formdata)
        if "country" in form:  # only then is the (cached) question of where signers live asked
            form.put_countries_first(first_countries(definition))
        return form

    def render_sign_page(form, state, status=200, notice=None):
        return private(render_template("petitions/sign.html", petition=definition, state=state, form=form,
                                       notice=notice), status)

    @blueprint.get("/")
    def sign():
        def render():
            return render_template("petitions/sign.html", petition=definition, state=campaign_state(definition),
                                   form=new_form(None), notice=None)
        return private(cached_sign_page((definition.slug, g.lang), render))

    # The form validates its own CSRF token, so an expired token re-shows what was typed
    # with a message instead of the blanket 400 of the global CSRF check.
    @blueprint.post("/")
    @csrf.exempt
    @limiter.limit(sign_rate_limit, scope=f"sign:{definition.slug}")
    @limiter.shared_limit(sign_rate_limit_all_campaigns, scope="sign:all-campaigns")
    def submit():
        # Only a form-encoded body signs: Flask-WTF would otherwise also read JSON bodies.
        form = new_form(request.form)
        valid = form.validate_on_submit()
        if not valid or form.is_bot:
            # Rare paths read the campaign's state first; a valid form learns it from recording.
            state = campaign_state(definition)
            if state.closed:
                return closed_page(form)
            if not valid:
                # No error but not done: the form asks one more question (the congress district).
                return render_sign_page(form, state, status=400 if form.errors else 200)
            # A bot gets exactly the answer a signer gets.
            return redirect(url_for(".thanks"), code=303)
        wait = seconds_until_room(definition.slug)
        if wait is not None:
            # Too many signers at once for this campaign (a flood): nothing is written.
            # Translators: Shown above the sign form (HTTP 503) when a petition receives more signatures per second than the site accepts; what the signer typed is still in the form.
            notice = _("So many people are signing this petition right now that we could not record your "
                       "signature. Nothing was saved: please wait a moment and press the button again.")
            response = render_sign_page(form, campaign_state(definition), status=503, notice=notice)
            response.headers["Retry-After"] = str(wait)
            return response
        try:
            (definition.record or record_signature)(definition, form, g.lang)
        except CampaignClosed:
            return closed_page(form)
        # A repeat gets exactly the answer a first signature gets.
        return redirect(url_for(".thanks"), code=303)

    def closed_page(form):
        return render_sign_page(form, campaign_state(definition), status=403,
                                # Translators: On a sign page when someone tries to sign after the deadline.
                                notice=_("This petition is closed and no longer accepts signatures."))

    @blueprint.get("/thanks")
    def thanks():
        # The same page for everyone, first signer or repeat: cacheable, and it reveals nothing.
        # Where signatures need confirming, it asks everyone to look for the email.
        return public(render_template("petitions/thanks.html", petition=definition, state=campaign_state(definition),
                                      confirmation=confirmation_required(definition),
                                      resend_form=resend_form(definition)))

    @blueprint.get("/count.json")
    def count():
        state = campaign_state(definition)
        return public(jsonify(campaign=definition.slug, count=state.count, goal=state.goal, closed=state.closed,
                              deadline=state.deadline.isoformat() if state.deadline else None))

    add_email_routes(blueprint, definition, public)
    add_resend_routes(blueprint, definition, public)
    add_sharing_routes(blueprint, definition, public)
    add_media_routes(blueprint, definition, public)
    add_results_routes(blueprint, definition)
    return blueprint
