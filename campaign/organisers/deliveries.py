"""The delivery log (issue 16, item 4): organisers record each delivery of a packet to an office
(who, when, how, how many signatures, the fingerprint the packet prints), correct it if it was
typed wrongly, then record the office's response. Every record and change is audited
(delivery_record, delivery_change with before and after, delivery_response). The public
sees the log without who delivered (petitions/deliveries.py); a change shows at once in this
process and within RESULTS_CACHE_SECONDS in the others.
"""
import re
from datetime import date, timedelta

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import StopValidation

from ..audit import audit
from ..delivery.build import has_packets
from ..delivery.packet import grouped
from ..delivery.recipients import Recipient, current_packet, recipients
from ..extensions import db
from ..models import DELIVERY_CHANNELS, RESPONSE_STATUSES, Delivery, utcnow
from ..petitions.deliveries import CHANNEL_LABELS, STATUS_LABELS
from ..petitions.forms import ButtonForm
from ..petitions.results import forget_results
from ..petitions.validation import (LocalizedDateField, OneOf, PlainText, Required, WebAddress,
                                    has_forbidden_characters, strip_text, without_invisible_formatting)
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser

# No delivery of these petitions happened before this day; an earlier date is a typing mistake.
EARLIEST = date(2000, 1, 1)
SUMMARY_MAX = 2000
COUNT_MAX = 100_000_000
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


def has_deliveries(definition):
    return has_packets(definition.slug)


def _today():
    return utcnow().date()


class PastDate:
    """A date that has happened: not after today (tomorrow allowed: in Asia it may already be),
    not before EARLIEST, not before the field named `not_before` (a response before its delivery)."""

    def __init__(self, not_before=None):
        self.not_before = not_before

    def __call__(self, form, field):
        if field.data is None:
            return
        if field.data > _today() + timedelta(days=1):
            # Translators: Error under a date of the organisers' delivery log when the date is in the future.
            raise StopValidation(_l("Please enter a date that has already passed, not one in the future."))
        if field.data < EARLIEST:
            # Translators: Error under a date of the organisers' delivery log when the date is implausibly early. %(date)s is a date.
            raise StopValidation(_l("Please enter a date after %(date)s.", date=EARLIEST.isoformat()))
        earliest = self.not_before(form) if self.not_before else None
        if earliest and field.data < earliest:
            # Translators: Error under the date of an office's response in the delivery log, when it is before the delivery. %(date)s is the delivery's date.
            raise StopValidation(_l("The response cannot be earlier than the delivery (%(date)s).",
                                    date=earliest.isoformat()))


class SignatureCount:
    """A whole number of signatures, as typed ("1,234" and "1 234" too)."""

    def __call__(self, form, field):
        text = re.sub(r"[\s,.'\u066c\u2019]", "", field.data or "")
        if not text.isascii() or not text.isdigit() or int(text) > COUNT_MAX:
            # Translators: Error under the number of signatures delivered (organisers' delivery log).
            raise StopValidation(_l("Please enter the number of signatures delivered, such as 120."))
        field.data = str(int(text))


class Fingerprint:
    """Empty, or 64 hexadecimal characters (spaces between groups, as printed, are dropped)."""

    def __call__(self, form, field):
        text = re.sub(r"\s", "", field.data or "").lower()
        field.data = text or None
        if text and not FINGERPRINT.match(text):
            # Translators: Error under the packet fingerprint in the delivery log: it must be the 64 characters printed at the end of the packet.
            raise StopValidation(_l("Please copy the 64 characters (0–9, a–f) printed at the end of the packet, "
                                    "or leave this field empty."))


class DocumentLink(WebAddress):
    """An http(s) address, with its own message (the shared one speaks of websites)."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except StopValidation:
            # Translators: Error under the link to an office's written response (delivery log): only web addresses are accepted.
            raise StopValidation(_l("Please enter a web address starting with https:// or http://, such as "
                                    "https://example.org/response.pdf.")) from None


class SummaryText:
    """English paragraphs: line breaks allowed, no control or invisible characters. Required
    unless the office has not answered."""

    def __call__(self, form, field):
        text = without_invisible_formatting((field.data or "").replace("\r\n", "\n")).strip()
        field.data = text
        if not text and form.status.data != "no_answer":
            # Translators: Error in the delivery log when the summary of an office's response is empty.
            raise StopValidation(_l("Please summarise the office’s response in English."))
        if len(text) > SUMMARY_MAX:
            raise StopValidation(_l("Please use at most %(max)s characters.", max=SUMMARY_MAX))
        if any(has_forbidden_characters(line) for line in text.split("\n")):
            raise StopValidation(_l("Please remove the invisible or control characters from this field."))


# Translators: Error in the delivery log when no office, or one that is not a recipient of this campaign, was chosen.
UNKNOWN_RECIPIENT = _l("Please choose the office from the list.")


class DeliveryForm(FlaskForm):
    # Translators: Field of the organisers' delivery log: the office the packet was delivered to.
    recipient = SelectField(lazy_pgettext("form field", "Office"), validate_choice=False,
                            validators=[Required(UNKNOWN_RECIPIENT), OneOf(UNKNOWN_RECIPIENT)])
    # Translators: Field of the organisers' delivery log: the day the packet was delivered.
    delivered_on = LocalizedDateField(lazy_pgettext("form field", "Date delivered"),
                                      # Translators: Error in the delivery log when the delivery's date is empty.
                                      validators=[Required(_l("Please enter the date of the delivery.")), PastDate()])
    # Translators: Field of the organisers' delivery log: how the packet was delivered (the four choices).
    channel = RadioField(lazy_pgettext("form field", "How it was delivered"), validate_choice=False,
                         choices=[SelectChoice(key, CHANNEL_LABELS[key]) for key in DELIVERY_CHANNELS],
                         # Translators: Error in the delivery log when no way of delivering was chosen.
                         validators=[Required(_l("Please choose how the packet was delivered.")),
                                     OneOf(_l("Please choose how the packet was delivered."))])
    # Translators: Field of the organisers' delivery log: the people who delivered the packet.
    delivered_by = StringField(lazy_pgettext("form field", "Delivered by"), filters=[strip_text],
                               # Translators: Hint under "Delivered by" in the delivery log.
                               description=_l("Seen only by the campaign’s organisers, never on public pages or in "
                                              "open data."),
                               # Translators: Error in the delivery log when "Delivered by" is empty.
                               validators=[Required(_l("Please enter who delivered the packet.")), PlainText(200)],
                               render_kw={"maxlength": 200})
    # Translators: Field of the organisers' delivery log: how many signatures the delivered packet holds.
    count = StringField(lazy_pgettext("form field", "Signatures delivered"), filters=[strip_text],
                        validators=[Required(_l("Please enter the number of signatures delivered, such as 120.")),
                                    SignatureCount()],
                        render_kw={"inputmode": "numeric", "maxlength": 20})
    # Translators: Field of the organisers' delivery log: the fingerprint printed at the end of the delivered packet.
    packet_sha256 = StringField(lazy_pgettext("form field", "Packet fingerprint (SHA-256)"), filters=[strip_text],
                                # Translators: Hint under the packet fingerprint field of the delivery log.
                                description=_l("Printed at the end of the packet. Filled in from the packet as it "
                                               "would be built now; if you delivered an earlier one, copy what it "
                                               "prints."),
                                validators=[Fingerprint()],
                                render_kw={"maxlength": 80, "spellcheck": "false", "autocomplete": "off",
                                           "translate": "no"})


def delivery_form(definition, offices, formdata=None, **data):
    form = DeliveryForm(**data) if formdata is not None else DeliveryForm(formdata=None, **data)
    # Translators: First choice of the office list in the delivery log, before one is chosen.
    form.recipient.choices = [SelectChoice("", lazy_pgettext("form field", "Choose an office"))] + [
        SelectChoice(office.key, office.name) for office in offices]
    return form


class ResponseForm(FlaskForm):
    # Translators: Field of the delivery log: the day the office responded (or the day it was noted that it had not).
    response_on = LocalizedDateField(lazy_pgettext("form field", "Date of the response"),
                                     # Translators: Error in the delivery log when the response's date is empty.
                                     validators=[Required(_l("Please enter the date of the response.")),
                                                 PastDate(not_before=lambda form: form.delivered_on)])
    # Translators: Field of the delivery log: what the office answered (the choices: acknowledged, declined, ...).
    status = RadioField(lazy_pgettext("form field", "Response"), validate_choice=False,
                        # Translators: Error in the delivery log when no kind of response was chosen.
                        validators=[Required(_l("Please choose the office’s response.")),
                                    OneOf(_l("Please choose the office’s response."))])
    # Translators: Field of the delivery log: a summary of the office's response, written in English.
    summary = TextAreaField(lazy_pgettext("form field", "Summary in English"),
                            # Translators: Hint under the summary of an office's response (delivery log).
                            description=_l("Shown on the public pages in English, as written. It may be left "
                                           "empty when the office has not answered."),
                            validators=[SummaryText()], render_kw={"rows": 5, "maxlength": SUMMARY_MAX, "lang": "en"})
    # Translators: Field of the delivery log: a link to the office's written response (a letter, a statement).
    url = StringField(lazy_pgettext("form field", "Link to the response"), filters=[strip_text],
                      validators=[PlainText(500), DocumentLink()],
                      render_kw={"inputmode": "url", "maxlength": 500})

    def __init__(self, delivery, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.delivered_on = delivery.delivered_on
        statuses = [key for key in RESPONSE_STATUSES if key != "cosponsored" or delivery.campaign == "congress"]
        self.status.choices = [SelectChoice(key, STATUS_LABELS[key]) for key in statuses]


def _log(definition):
    return db.session.execute(select(Delivery).where(Delivery.campaign == definition.slug)
                              .order_by(Delivery.delivered_on.desc(), Delivery.id.desc())).scalars().all()


@organisers.get("/<campaign>/deliveries/")
@login_required
def deliveries(campaign):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    return render_template("organisers/deliveries.html", petition=definition, log=_log(definition),
                           channels=CHANNEL_LABELS, statuses=STATUS_LABELS, grouped=grouped,
                           saved=request.args.get("saved"), logout_form=ButtonForm())


def _render_new(definition, offices, form, prefilled=None, status=200, delivery=None):
    """The delivery form: a new delivery, or (`delivery`) the correction of a recorded one."""
    return render_template("organisers/delivery_new.html", petition=definition, form=form, offices=offices,
                           prefilled=prefilled, delivery=delivery, logout_form=ButtonForm()), status


@organisers.get("/<campaign>/deliveries/new")
@login_required
def delivery_new(campaign):
    """The form; with ?recipient=<key>, filled in from that office's packet as it would be built now."""
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    offices = recipients(definition)
    chosen = next((office for office in offices if office.key == request.args.get("recipient")), None)
    if chosen is None and len(offices) == 1:  # one office (UNHCR, the President): nothing to choose
        chosen = offices[0]
    prefilled = None
    data = {"delivered_on": _today()}
    if chosen is not None:
        prefilled = current_packet(definition, chosen.key)
        data.update(recipient=chosen.key, count=str(prefilled.count),
                    packet_sha256=grouped(prefilled.fingerprint) if prefilled.fingerprint else "")
    return _render_new(definition, offices, delivery_form(definition, offices, **data), prefilled)


@organisers.post("/<campaign>/deliveries/new")
@login_required
def delivery_record(campaign):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    offices = recipients(definition)
    form = delivery_form(definition, offices, formdata=request.form)
    if not form.validate_on_submit():
        return _render_new(definition, offices, form, status=400)
    office = next(office for office in offices if office.key == form.recipient.data)
    row = Delivery(campaign=definition.slug, recipient_key=office.key, recipient_name=office.name,
                   delivered_on=form.delivered_on.data, channel=form.channel.data, delivered_by=form.delivered_by.data,
                   count=int(form.count.data), packet_sha256=form.packet_sha256.data, created_by=g.organiser.id)
    db.session.add(row)
    db.session.flush()
    audit("delivery_record", g.organiser, definition.slug, delivery=row.id, recipient=row.recipient_key,
          recipient_name=row.recipient_name, delivered_on=row.delivered_on.isoformat(), channel=row.channel,
          delivered_by=row.delivered_by, count=row.count, packet_sha256=row.packet_sha256)
    db.session.commit()
    forget_results(definition.slug)
    return redirect(url_for("organisers.deliveries", campaign=definition.slug, saved=row.id), code=303)


DELIVERY_FIELDS = ("recipient_key", "recipient_name", "delivered_on", "channel", "delivered_by", "count",
                   "packet_sha256")


def _delivery_of(row):
    return {name: (value.isoformat() if isinstance(value, date) else value)
            for name in DELIVERY_FIELDS for value in [getattr(row, name)]}


@organisers.get("/<campaign>/deliveries/<int:delivery_id>/edit")
@login_required
def delivery_edit(campaign, delivery_id):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    row = _delivery(definition, delivery_id)
    offices = _offices_for_correcting(definition, row)
    form = delivery_form(definition, offices, recipient=row.recipient_key, delivered_on=row.delivered_on,
                         channel=row.channel, delivered_by=row.delivered_by, count=str(row.count),
                         packet_sha256=grouped(row.packet_sha256) if row.packet_sha256 else "")
    return _render_new(definition, offices, form, delivery=row)


@organisers.post("/<campaign>/deliveries/<int:delivery_id>/edit")
@login_required
def delivery_change(campaign, delivery_id):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    row = _delivery(definition, delivery_id)
    offices = _offices_for_correcting(definition, row)
    form = delivery_form(definition, offices, formdata=request.form)
    if not form.validate_on_submit():
        return _render_new(definition, offices, form, status=400, delivery=row)
    if row.response_on and form.delivered_on.data > row.response_on:
        # Translators: Error under the date of a delivery being corrected, when the office's recorded response is earlier. %(date)s is the response's date.
        form.delivered_on.errors.append(_l("The delivery cannot be later than the office’s response (%(date)s).",
                                           date=row.response_on.isoformat()))
        return _render_new(definition, offices, form, status=400, delivery=row)
    office = next(office for office in offices if office.key == form.recipient.data)
    before = _delivery_of(row)
    row.recipient_key, row.recipient_name = office.key, office.name
    row.delivered_on, row.channel, row.delivered_by = form.delivered_on.data, form.channel.data, form.delivered_by.data
    row.count, row.packet_sha256 = int(form.count.data), form.packet_sha256.data
    after = _delivery_of(row)
    if after != before:
        audit("delivery_change", g.organiser, definition.slug, delivery=row.id, before=before, after=after)
    db.session.commit()
    forget_results(definition.slug)
    return redirect(url_for("organisers.deliveries", campaign=definition.slug, saved=row.id), code=303)


def _offices_for_correcting(definition, row):
    """The campaign's offices, and the delivery's own if it has since gone: it stays choosable."""
    offices = recipients(definition)
    if row.recipient_key not in {office.key for office in offices}:
        offices = (*offices, Recipient(row.recipient_key, row.recipient_name))
    return offices


def _delivery(definition, delivery_id):
    row = db.session.get(Delivery, delivery_id)
    if row is None or row.campaign != definition.slug:
        abort(404)
    return row


def _response_of(row):
    return {"response_on": row.response_on.isoformat() if row.response_on else None,
            "response_status": row.response_status, "response_summary": row.response_summary,
            "response_url": row.response_url}


def _render_response(definition, row, form, status=200):
    return render_template("organisers/delivery_response.html", petition=definition, delivery=row, form=form,
                           channels=CHANNEL_LABELS, grouped=grouped, logout_form=ButtonForm()), status


@organisers.get("/<campaign>/deliveries/<int:delivery_id>/response")
@login_required
def delivery_response(campaign, delivery_id):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    row = _delivery(definition, delivery_id)
    form = ResponseForm(row, formdata=None, response_on=row.response_on or _today(), status=row.response_status,
                        summary=row.response_summary or "", url=row.response_url or "")
    return _render_response(definition, row, form)


@organisers.post("/<campaign>/deliveries/<int:delivery_id>/response")
@login_required
def delivery_response_save(campaign, delivery_id):
    definition = campaign_for_organiser(campaign, applies=has_deliveries)
    row = _delivery(definition, delivery_id)
    form = ResponseForm(row)
    if not form.validate_on_submit():
        return _render_response(definition, row, form, 400)
    before = _response_of(row)
    row.response_on, row.response_status = form.response_on.data, form.status.data
    row.response_summary, row.response_url = form.summary.data or None, form.url.data or None
    after = _response_of(row)
    if after != before:
        audit("delivery_response", g.organiser, definition.slug, delivery=row.id, recipient=row.recipient_key,
              before=before, after=after)
    db.session.commit()
    forget_results(definition.slug)
    return redirect(url_for("organisers.deliveries", campaign=definition.slug, saved=row.id), code=303)
