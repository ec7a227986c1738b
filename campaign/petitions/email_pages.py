"""Pages opened from emails: confirm a signature, ask for a new link, stop news.

A GET never changes anything: mail scanners and link previews open every link in an email.
Each link opens a page with a button that POSTs (with a CSRF token, checked by the form so a
stale page asks again instead of failing). The one-click unsubscribe URL of the
`List-Unsubscribe` header is the exception RFC 8058 defines: a POST without cookies or CSRF
token, authorised by the signed token in the URL alone.
"""
from flask import current_app, g, make_response, redirect, render_template, url_for

from ..extensions import csrf, db, limiter
from ..mail.links import ExpiredLink, InvalidLink, find_signature, read_confirmation_token, read_unsubscribe_token
from ..models import SIGNATURE_PENDING
from .confirmation import Outcome, confirm_signature, resend_confirmation
from .counting import campaign_state
from .forms import ButtonForm


def resend_rate_limit():
    return current_app.config["CONFIRM_RESEND_RATE_LIMIT"]


def link_page(body, status=200):
    """A page whose URL holds a token: never cached, never sent on as a referrer, never indexed."""
    response = make_response(body, status)
    response.cache_control.no_store = True
    response.cache_control.private = True
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def add_email_routes(blueprint, definition, public):
    def render(template, status=200, **context):
        return link_page(render_template(template, petition=definition, **context), status)

    def invalid():
        return render("petitions/link_invalid.html", 404)

    def max_age_days():
        return current_app.config["CONFIRMATION_MAX_AGE_DAYS"]

    def confirm_page(token, form, signature, status=200):
        # The page shows what will be delivered in the signer's name before the button: a
        # stranger may have signed with this address first, and the newest submission decides.
        state = campaign_state(definition, with_count=False)
        return render("petitions/confirm.html", status, token=token, form=form, closed=state.closed,
                      signature=signature)

    def confirmed_already(signature):
        return signature.status != SIGNATURE_PENDING and (signature.confirmed_at or not signature.email)

    def signature_in(reference):
        signature = find_signature(reference)
        return signature if signature is not None and signature.campaign == definition.slug else None

    @blueprint.get("/confirm/<token>")
    def confirm(token):
        try:
            reference = read_confirmation_token(token, definition.slug)
        except InvalidLink:
            return invalid()
        except ExpiredLink as expired:
            signature = signature_in(expired.reference)
            if signature is not None and confirmed_already(signature):
                return redirect(url_for(".confirmed"), code=303)
            return render("petitions/confirm_expired.html", 410, token=token, form=ButtonForm(),
                          days=max_age_days())
        signature = signature_in(reference)
        if signature is None:
            return invalid()
        if confirmed_already(signature):
            return redirect(url_for(".confirmed"), code=303)
        return confirm_page(token, ButtonForm(), signature)

    @blueprint.post("/confirm/<token>")
    @csrf.exempt  # the form checks its own token, so a stale page asks again instead of a 400
    def confirm_submit(token):
        try:
            reference = read_confirmation_token(token, definition.slug)
        except InvalidLink:
            return invalid()
        except ExpiredLink:
            return redirect(url_for(".confirm", token=token), code=303)
        signature = signature_in(reference)
        if signature is None:
            return invalid()
        form = ButtonForm()
        if not form.validate_on_submit():
            return confirm_page(token, form, signature, status=400)
        if campaign_state(definition, with_count=False).closed:
            return confirm_page(token, form, signature, status=403)
        if confirm_signature(definition, signature.id) is Outcome.GONE:
            return invalid()
        return redirect(url_for(".confirmed"), code=303)

    @blueprint.get("/confirmed")
    def confirmed():
        # The same page for everyone: it names no one.
        return public(render_template("petitions/confirmed.html", petition=definition,
                                      state=campaign_state(definition)))

    @blueprint.post("/confirm/<token>/new-link")
    @csrf.exempt
    @limiter.limit(resend_rate_limit, scope=f"confirm-resend:{definition.slug}")
    def confirm_resend(token):
        try:
            signature = signature_in(read_confirmation_token(token, definition.slug, check_age=False))
        except (InvalidLink, ExpiredLink):
            return invalid()
        form = ButtonForm()
        if not form.validate_on_submit():
            return render("petitions/confirm_expired.html", 400, token=token, form=form, days=max_age_days())
        if signature is not None:
            resend_confirmation(definition, signature.id)
        # The same answer whether or not an email was queued: it reveals nothing.
        return render("petitions/confirm_resent.html")

    def unsubscribe_target(token):
        try:
            reference = read_unsubscribe_token(token, definition.slug)
        except InvalidLink:
            return None
        return signature_in(reference) or False

    @blueprint.get("/unsubscribe/<token>")
    @blueprint.get("/unsubscribe/<token>/one-click", endpoint="unsubscribe_one_click_page")
    def unsubscribe(token):
        if unsubscribe_target(token) is None:
            return invalid()
        return render("petitions/unsubscribe.html", token=token, form=ButtonForm())

    @blueprint.post("/unsubscribe/<token>")
    @csrf.exempt
    def unsubscribe_submit(token):
        signature = unsubscribe_target(token)
        if signature is None:
            return invalid()
        form = ButtonForm()
        if not form.validate_on_submit():
            return render("petitions/unsubscribe.html", 400, token=token, form=form)
        return _withdraw(signature)

    @blueprint.post("/unsubscribe/<token>/one-click")
    @csrf.exempt  # RFC 8058: mail programs POST "List-Unsubscribe=One-Click" with no cookies
    def unsubscribe_one_click(token):
        signature = unsubscribe_target(token)
        if signature is None:
            return invalid()
        return _withdraw(signature)

    def _withdraw(signature):
        from ..mail.updates import withdraw

        if signature:  # False: erased since the email was sent, nothing left to stop
            withdraw(definition, signature, g.lang)
            db.session.commit()
        return render("petitions/unsubscribed.html")

    return blueprint
