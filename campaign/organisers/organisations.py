"""Approving organisations that signed a letter organisations sign (`coalition`).

A new signatory waits (pending); an organiser approves it (it appears on the public list, in the
count and in the packet) or declines it, after checking with its contact person. Either can be
undone. Each decision is a conditional update, so the count moves once however often it is
clicked, and each is in the audit log.
"""
from flask import abort, g, redirect, render_template, url_for
from sqlalchemy import select, update

from ..audit import audit
from ..extensions import db
from ..models import ORGANISATION_APPROVED, ORGANISATION_PENDING, ORGANISATION_REJECTED, Organisation, utcnow
from ..petitions.counting import increment_count
from ..petitions.forms import ButtonForm
from ..petitions.page_cache import forget_sign_pages
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_organisations

# decision -> (the statuses it applies to, the status it sets)
DECISIONS = {
    "approve": ((ORGANISATION_PENDING,), ORGANISATION_APPROVED),
    "decline": ((ORGANISATION_PENDING,), ORGANISATION_REJECTED),
    "undo": ((ORGANISATION_APPROVED, ORGANISATION_REJECTED), ORGANISATION_PENDING),
}


@organisers.get("/<campaign>/organisations/")
@login_required
def organisations(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_organisations)
    rows = db.session.execute(select(Organisation).where(Organisation.campaign == definition.slug)
                              .order_by(Organisation.created_at.desc(), Organisation.id.desc())).scalars().all()
    by_status = {status: [row for row in rows if row.status == status]
                 for status in (ORGANISATION_PENDING, ORGANISATION_APPROVED, ORGANISATION_REJECTED)}
    return render_template("organisers/organisations.html", petition=definition, by_status=by_status,
                           decision_form=ButtonForm(formdata=None), logout_form=ButtonForm())


@organisers.post("/<campaign>/organisations/<int:organisation_id>/<any(approve, decline, undo):decision>")
@login_required
def decide(campaign, organisation_id, decision):
    definition = campaign_for_organiser(campaign, applies=signed_by_organisations)
    if not ButtonForm().validate_on_submit():
        abort(400)
    row = db.session.get(Organisation, organisation_id)
    if row is None or row.campaign != definition.slug:
        abort(404)
    allowed, after = DECISIONS[decision]
    before = row.status
    decided = after != ORGANISATION_PENDING
    # Only from the status read here: a decision taken meanwhile by someone else is not overridden.
    changed = before in allowed and db.session.execute(
        update(Organisation).where(Organisation.id == organisation_id, Organisation.status == before)
        .values(status=after, decided_at=utcnow() if decided else None, decided_by=g.organiser.id if decided else None)
    ).rowcount
    if changed:
        if after == ORGANISATION_APPROVED:
            increment_count(definition.slug)
        elif before == ORGANISATION_APPROVED:
            increment_count(definition.slug, -1)
        audit(f"organisation_{decision}", g.organiser, definition.slug, organisation=organisation_id,
              name=row.name, before=before, after=after)
    db.session.commit()
    forget_sign_pages(definition.slug)
    return redirect(url_for("organisers.organisations", campaign=definition.slug), code=303)
