"""The delivery log as the public sees it: on the results page ("delivered to N of M offices, K
have answered"), on each member's page, and in results.json / results.csv.

Only public columns are ever read here: never `delivered_by`, the person who delivered, which
only organisers see (organisers/deliveries.py). A delivered count below RESULTS_MIN_COUNT is
"fewer than N", like the counts by place (the packet of a district with two signers must not
tell more than the map does).
"""
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_pgettext
from sqlalchemy import select

from ..delivery.build import has_packets
from ..delivery.recipients import office_keys
from ..extensions import db
from ..models import RESPONSE_ANSWERED, Delivery
from .aggregates import shown

CHANNEL_LABELS = {
    # Translators: How a delivery packet reached an office (delivery log: organisers' pages and the public member page).
    "by_hand": lazy_pgettext("delivery channel", "By hand"),
    # Translators: How a delivery packet reached an office: by post (mail).
    "post": lazy_pgettext("delivery channel", "By post"),
    # Translators: How a delivery packet reached an office: by email.
    "email": lazy_pgettext("delivery channel", "By email"),
    # Translators: How a delivery packet reached an office: by fax.
    "fax": lazy_pgettext("delivery channel", "By fax"),
}

STATUS_LABELS = {
    # Translators: An office's response to a delivered petition (delivery log): it confirmed receipt.
    "acknowledged": lazy_pgettext("response status", "Acknowledged"),
    # Translators: An office's response to a delivered petition: it refused the request.
    "declined": lazy_pgettext("response status", "Declined"),
    # Translators: A member of Congress's response to the delivered letter: they co-sponsored the bill or resolution it asks for.
    "cosponsored": lazy_pgettext("response status", "Co-sponsored"),
    # Translators: An office's response to a delivered petition: it has not answered (recorded by an organiser).
    "no_answer": lazy_pgettext("response status", "No answer"),
}

# The columns anyone may see, in the order PublicDelivery takes them.
PUBLIC_COLUMNS = (Delivery.id, Delivery.recipient_key, Delivery.recipient_name, Delivery.delivered_on,
                  Delivery.channel, Delivery.count, Delivery.packet_sha256, Delivery.response_on,
                  Delivery.response_status, Delivery.response_summary, Delivery.response_url)


@dataclass(frozen=True)
class PublicDelivery:
    id: int
    recipient_key: str
    recipient_name: str
    delivered_on: date
    channel: str
    count: int | None  # None: fewer than RESULTS_MIN_COUNT
    packet_sha256: str | None
    response_on: date | None
    response_status: str | None
    response_summary: str | None  # in English
    response_url: str | None

    @property
    def answered(self):
        return self.response_status in RESPONSE_ANSWERED

    def channel_label(self):
        return CHANNEL_LABELS.get(self.channel, self.channel)

    def status_label(self):
        return STATUS_LABELS.get(self.response_status, self.response_status)

    def open_data(self):
        """The JSON form (README, "Open data": `deliveries.log`)."""
        response = None
        if self.response_status:
            response = {"date": _iso_date(self.response_on), "status": self.response_status,
                        "summary": self.response_summary or None, "url": self.response_url or None}
        return {"recipient": self.recipient_key, "recipient_name": self.recipient_name,
                "delivered_on": _iso_date(self.delivered_on), "channel": self.channel, "count": self.count,
                "count_suppressed": self.count is None, "packet_sha256": self.packet_sha256, "response": response}


def _iso_date(day):
    return day.isoformat() if day else None


def _public(rows):
    return [PublicDelivery(row.id, row.recipient_key, row.recipient_name, row.delivered_on, row.channel,
                           shown(row.count), row.packet_sha256, row.response_on, row.response_status,
                           row.response_summary, row.response_url) for row in rows]


def public_log(definition):
    """Every delivery of the campaign, oldest first, without who delivered it."""
    return _public(db.session.execute(select(*PUBLIC_COLUMNS).where(Delivery.campaign == definition.slug)
                                      .order_by(Delivery.delivered_on, Delivery.id)).all())


def deliveries_to(definition, key):
    """The deliveries to one office (a member of Congress's page), newest first."""
    return _public(db.session.execute(select(*PUBLIC_COLUMNS).where(Delivery.campaign == definition.slug,
                                                                    Delivery.recipient_key == key)
                                      .order_by(Delivery.delivered_on.desc(), Delivery.id.desc())).all())


@dataclass(frozen=True)
class DeliveryTotals:
    delivered: int  # offices with at least one delivery
    offices: int  # every office of the campaign (delivery/recipients.py), and any delivered to since
    answered: int  # offices that answered (acknowledged, declined, co-sponsored)


def delivery_totals(definition, log=None):
    """N of M offices delivered to, K answered. An office that was delivered to and has since left
    (a member no longer in office) still counts among the M, so N is never more than M."""
    if not has_packets(definition.slug):
        return DeliveryTotals(0, 0, 0)
    log = public_log(definition) if log is None else log
    delivered = {item.recipient_key for item in log}
    answered = {item.recipient_key for item in log if item.answered}
    return DeliveryTotals(len(delivered), len(office_keys(definition) | delivered), len(answered))


def open_data(definition):
    """`deliveries` of results.json: the totals and the log."""
    log = public_log(definition)
    totals = delivery_totals(definition, log)
    return {"offices": totals.offices, "delivered": totals.delivered, "answered": totals.answered,
            "log": [item.open_data() for item in log]}
