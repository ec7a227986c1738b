"""Moderation: an organiser hides a signature (spam, abuse) so that it no longer counts or
appears anywhere (count, dashboard, packets, exports, emails), with a reason; undo restores it.

Both are conditional updates of the row's status, so two organisers clicking at once change the
count once. Each is in the audit log with the organiser and the reason. After hiding, a success
banner names the signature and offers Undo (a form: a POST with its CSRF token); after undoing,
a banner says it counts again. Without a search the banner's signature rides in the redirect's
query (?hidden=<id>, ?restored=<id>) and is shown only while that is still true.

Searches are sent by POST and answered with the page (paging a search posts again), so a name or
an email address searched for never sits in a URL, a browser's history or a proxy's log; each
search shown is in the audit log, an email address only as its key.
"""
from dataclasses import dataclass

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import and_, func, literal_column, or_, select, update
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import Length

from ..audit import audit
from ..extensions import db
from ..models import SIGNATURE_COUNTED, SIGNATURE_HIDDEN, Signature, utcnow
from ..petitions.counting import increment_count
from ..petitions.forms import ButtonForm
from ..petitions.identity import email_key
from ..petitions.validation import OneOf
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_people

PAGE_SIZE = 50
LAST_PAGE = 100_000  # beyond any list; a larger number is a typo (or an offset the database refuses)
SEARCH_MAX = 100

REASONS = [
    # Translators: Reason an organiser gives for hiding a signature: automated or advertising submissions.
    ("spam", lazy_pgettext("moderation reason", "Spam")),
    # Translators: Organisers' signatures page, a reason for hiding a signature: an insulting or offensive name or text.
    ("abuse", lazy_pgettext("moderation reason", "Abusive or offensive")),
    # Translators: Organisers' signatures page, a reason for hiding a signature: the same person signed twice under slightly different details.
    ("duplicate", lazy_pgettext("moderation reason", "The same person twice")),
    # Translators: Organisers' signatures page, a reason for hiding a signature: a name that is obviously not a real person's (e.g. a celebrity's or a joke).
    ("fake", lazy_pgettext("moderation reason", "Not a real name")),
    # Translators: Organisers' signatures page, a reason for hiding a signature: the person asked to be taken off the petition.
    ("withdrawn", lazy_pgettext("moderation reason", "The signer asked to be removed")),
]


class HideForm(FlaskForm):
    # Translators: Field on the organisers' signatures page, when hiding a signature: why it is hidden.
    reason = SelectField(lazy_pgettext("form field", "Reason"), validate_choice=False,
                         choices=[SelectChoice(code, label) for code, label in REASONS],
                         # Translators: Error on the organisers' signatures page when no reason was chosen.
                         validators=[OneOf(_l("Please choose a reason."))])
    # Translators: Field on the organisers' signatures page, when hiding a signature: a short remark.
    note = StringField(lazy_pgettext("form field", "Note (optional)"), validators=[Length(max=150)],
                       render_kw={"maxlength": 150})


def reason_label(stored):
    """The localized reason of a stored 'code: note' value."""
    code, _, note = (stored or "").partition(": ")
    label = dict(REASONS).get(code, code)
    return f"{label}: {note}" if note else str(label)


# What PostgreSQL's trigram index ix_signature_search holds (migration 0017), written as it is there.
SEARCH_TEXT = func.lower(Signature.first_name + literal_column("' '") + Signature.last_name + literal_column("' '")
                         + func.coalesce(Signature.city, literal_column("''")))


def _search(query, text):
    if not text:
        return query
    like = f"%{text.lower()}%"
    # An email address is found by its key (the hash every signature keeps while it has an email).
    by_email = Signature.email_key == email_key(text) if "@" in text else False
    by_name = or_(func.lower(Signature.first_name).like(like), func.lower(Signature.last_name).like(like),
                  func.lower(Signature.city).like(like))
    if db.session.get_bind().dialect.name == "postgresql":
        # Whatever one of the three holds, the three joined hold too: this changes no answer, and
        # lets PostgreSQL find the rows in the trigram index instead of reading every signature.
        by_name = and_(SEARCH_TEXT.like(like), by_name)
    return query.where(or_(by_name, by_email))


def _listing_values(values):
    """(search text, page, showing hidden) from a form or a query string."""
    text = (values.get("q") or "").strip()[:SEARCH_MAX]
    page = min(max(1, values.get("page", 1, type=int) or 1), LAST_PAGE)
    return text, page, values.get("show") == "hidden"


LARGEST_ID = 2**63 - 1


def _anchor(values):
    """Where the page starts: ("before", id) for older than that signature, ("after", id) for newer,
    or None (the page number alone, counted from the newest). The page links carry one, so that a
    page deep in a long list is found through the index, not by skipping every row before it."""
    for side in ("before", "after"):
        number = values.get(side, type=int)
        if number is not None and 0 < number <= LARGEST_ID:
            return side, number
    return None


def _audit_search(definition, text, page, showing_hidden, found):
    # An address is logged as its key: the log can show who looked a person up, without holding the address.
    searched = {"email_key": email_key(text)} if "@" in text else {"text": text}
    audit("signature_search", g.organiser, definition.slug, page=page, hidden=showing_hidden, found=found, **searched)
    db.session.commit()


@dataclass(frozen=True)
class Banner:
    """What the organiser just did to one signature: "hidden" (with Undo) or "restored"."""

    done: str
    signature: Signature


# What was done -> the status the signature has while the banner is true.
BANNER_STATUS = {"hidden": SIGNATURE_HIDDEN, "restored": SIGNATURE_COUNTED}


def _banner(definition, done, signature_id):
    """The banner for `signature_id`, if it is this campaign's and still as `done` left it."""
    if signature_id is None:
        return None
    signature = db.session.execute(select(Signature).where(
        Signature.id == signature_id, Signature.campaign == definition.slug,
        Signature.status == BANNER_STATUS[done])).scalar_one_or_none()
    return Banner(done, signature) if signature is not None else None


def _page_rows(query, page, anchor):
    """The page's signatures newest first, and whether older ones follow."""
    side, anchor_id = anchor or (None, None)
    if side == "after":
        newer = db.session.execute(query.where(Signature.id > anchor_id).order_by(Signature.id)
                                   .limit(PAGE_SIZE)).scalars().all()[::-1]
        older = query.where(Signature.id < newer[-1].id).exists() if newer else None
        return newer, older is not None and db.session.execute(select(older)).scalar_one()
    if side == "before":
        query = query.where(Signature.id < anchor_id)
    elif page > 1:
        # A typed page number: skip the rows before it by their ids alone, which PostgreSQL reads
        # from ix_signature_campaign_status without touching a row (page 1,000 of a million
        # signatures: 66 ms as an OFFSET over whole rows), then read the page from there.
        first = db.session.execute(query.with_only_columns(Signature.id).order_by(Signature.id.desc())
                                   .offset((page - 1) * PAGE_SIZE).limit(1)).scalar_one_or_none()
        if first is None:
            return [], False
        query = query.where(Signature.id <= first)
    rows = db.session.execute(query.order_by(Signature.id.desc()).limit(PAGE_SIZE + 1)).scalars().all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _listing(definition, text, page, showing_hidden, banner=None, anchor=None):
    status = SIGNATURE_HIDDEN if showing_hidden else SIGNATURE_COUNTED
    query = _search(select(Signature).where(Signature.campaign == definition.slug, Signature.status == status), text)
    rows, more = _page_rows(query, page, anchor)
    if text:
        _audit_search(definition, text, page, showing_hidden, len(rows))
    return render_template("organisers/signatures.html", petition=definition, rows=rows,
                           more=more, page=page, anchor=anchor, q=text, showing_hidden=showing_hidden,
                           banner=banner, search_form=ButtonForm(formdata=None), hide_form=HideForm(formdata=None),
                           undo_form=ButtonForm(formdata=None), reason_label=reason_label, logout_form=ButtonForm())


@organisers.get("/<campaign>/signatures/")
@login_required
def signatures(campaign):
    """The list, newest first (a `q` in the URL is ignored: searches are posted)."""
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    _text, page, showing_hidden = _listing_values(request.args)
    banner = next((found for done in BANNER_STATUS
                   if (found := _banner(definition, done, request.args.get(done, type=int)))), None)
    return _listing(definition, "", page, showing_hidden, banner, _anchor(request.args))


@organisers.post("/<campaign>/signatures/")
@login_required
def search_signatures(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    return _listing(definition, *_listing_values(request.form), anchor=_anchor(request.form))


def _back(definition, done, signature_id):
    """After hiding or undoing: the list the organiser was on, with the banner. A search is shown
    again (its text came in the form, and never goes into a URL); an unsearched list is a redirect."""
    text, page, showing_hidden = _listing_values(request.form)
    anchor = _anchor(request.form)
    if text:
        return _listing(definition, text, page, showing_hidden, _banner(definition, done, signature_id), anchor)
    return redirect(url_for("organisers.signatures", campaign=definition.slug, page=page if page > 1 else None,
                            show="hidden" if showing_hidden else None, **dict([anchor] if anchor else []),
                            **{done: signature_id}), code=303)


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
    return _back(definition, "hidden", signature_id)


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
    return _back(definition, "restored", signature_id)
