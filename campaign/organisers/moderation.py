"""Moderation: an organiser hides a signature (spam, abuse) so that it no longer counts or
appears anywhere (count, dashboard, packets, exports, emails), with a reason; undo restores it.

Both are conditional updates of the row's status, so two organisers clicking at once change the
count once. Each is in the audit log with the organiser and the reason.
"""
from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select, update
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length

from ..extensions import db
from ..models import SIGNATURE_COUNTED, SIGNATURE_HIDDEN, Signature, utcnow
from ..petitions.counting import increment_count
from ..petitions.forms import ButtonForm
from ..petitions.identity import email_key
from ..petitions.validation import OneOf
from . import organisers
from ..audit import audit
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_people

PAGE_SIZE = 50

REASONS = [
    # Translators: Reason an organiser gives for hiding a signature: automated or advertising submissions.
    ("spam", lazy_pgettext("moderation reason", "Spam")),
    # Translators: Reason for hiding a signature: an insulting or offensive name or text.
    ("abuse", lazy_pgettext("moderation reason", "Abusive or offensive")),
    # Translators: Reason for hiding a signature: the same person signed twice under slightly different details.
    ("duplicate", lazy_pgettext("moderation reason", "The same person twice")),
    # Translators: Reason for hiding a signature: a name that is obviously not a real person's (e.g. a celebrity's or a joke).
    ("fake", lazy_pgettext("moderation reason", "Not a real name")),
    # Translators: Reason for hiding a signature: the person asked to be taken off the petition.
    ("withdrawn", lazy_pgettext("moderation reason", "The signer asked to be removed")),
]


class HideForm(FlaskForm):
    reason = SelectField(lazy_pgettext("form field", "Reason"), validate_choice=False,
                         choices=[SelectChoice(code, label) for code, label in REASONS],
                         validators=[OneOf(_l("Please choose a reason."))])
    note = StringField(lazy_pgettext("form field", "Note (optional)"), validators=[Length(max=150)],
                       render_kw={"maxlength": 150})


def reason_label(stored):
    """The localized reason of a stored 'code: note' value."""
    code, _, note = (stored or "").partition(": ")
    label = dict(REASONS).get(code, code)
    return f"{label}: {note}" if note else str(label)


def _search(query, text):
    text = text.strip()[:100]
    if not text:
        return query
    like = f"%{text.lower()}%"
    # An email address is found by its key (the hash every signature keeps while it has an email).
    by_email = Signature.email_key == email_key(text) if "@" in text else False
    return query.where(or_(func.lower(Signature.first_name).like(like), func.lower(Signature.last_name).like(like),
                           func.lower(Signature.city).like(like), by_email))


@organisers.get("/<campaign>/signatures/")
@login_required
def signatures(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    text = request.args.get("q", "")
    showing_hidden = request.args.get("show") == "hidden"
    status = SIGNATURE_HIDDEN if showing_hidden else SIGNATURE_COUNTED
    query = _search(select(Signature).where(Signature.campaign == definition.slug, Signature.status == status), text)
    rows = db.session.execute(query.order_by(Signature.id.desc()).offset((page - 1) * PAGE_SIZE)
                              .limit(PAGE_SIZE + 1)).scalars().all()
    return render_template("organisers/signatures.html", petition=definition, rows=rows[:PAGE_SIZE],
                           more=len(rows) > PAGE_SIZE, page=page, q=text, showing_hidden=showing_hidden,
                           hide_form=HideForm(formdata=None), undo_form=ButtonForm(formdata=None),
                           reason_label=reason_label, logout_form=ButtonForm())


def _back(definition):
    return redirect(url_for("organisers.signatures", campaign=definition.slug,
                            **{key: value for key, value in request.args.items() if key in ("q", "page", "show")}),
                    code=303)


@organisers.post("/<campaign>/signatures/<int:signature_id>/hide")
@login_required
def hide(campaign, signature_id):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    form = HideForm()
    if not form.validate_on_submit():
        abort(400)
    reason = form.reason.data + (f": {form.note.data.strip()}" if form.note.data and form.note.data.strip() else "")
    changed = db.session.execute(
        update(Signature).where(Signature.id == signature_id, Signature.campaign == definition.slug,
                                Signature.status == SIGNATURE_COUNTED)
        .values(status=SIGNATURE_HIDDEN, hidden_at=utcnow(), hidden_reason=reason, hidden_by=g.organiser.id)
    ).rowcount
    if changed:
        increment_count(definition.slug, -1)
        audit("signature_hide", g.organiser, definition.slug, signature=signature_id, reason=reason)
    db.session.commit()
    return _back(definition)


@organisers.post("/<campaign>/signatures/<int:signature_id>/unhide")
@login_required
def unhide(campaign, signature_id):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    if not ButtonForm().validate_on_submit():
        abort(400)
    changed = db.session.execute(
        update(Signature).where(Signature.id == signature_id, Signature.campaign == definition.slug,
                                Signature.status == SIGNATURE_HIDDEN)
        .values(status=SIGNATURE_COUNTED, hidden_at=None, hidden_reason=None, hidden_by=None)
    ).rowcount
    if changed:
        increment_count(definition.slug)
        audit("signature_unhide", g.organiser, definition.slug, signature=signature_id)
    db.session.commit()
    return _back(definition)
