"""The offices a campaign's packets are delivered to: the recipients the delivery log may name.

Each has a stable key and the name its packet gives it (in the packets' language, English):
- congress: every member of Congress with a name on file (a seat with none is vacant and gets no
  letter), keyed by bioguide id, named as the packet's title ("Rep. Young Kim (R-CA-40)");
- xi: every PRC embassy and consulate in campaign/data/embassies/prc_missions.csv, keyed by its
  packet's file name (xi.mission_key: DE-embassy-berlin), named as the mission names itself in
  English (name_en);
- unhcr: the UN High Commissioner for Refugees ("unhcr"); coalition: the President ("president").

All of them are offices whether or not anyone near them has signed yet: the results page's
"delivered to N of M offices" counts them all, so that M never tells what the map hides (whether
a country or district has one signer or none).
"""
from dataclasses import dataclass

from flask_babel import pgettext
from sqlalchemy import select

from ..extensions import db
from ..mail.compose import in_language
from ..models import CongressMember
from .build import has_packets, now_to_the_second, packets_for
from .congress import _member_title, member_name
from .packet import fingerprint_of
from .xi import mission_key, missions


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str  # as its packet names it


def _members():
    rows = db.session.execute(select(CongressMember).order_by(
        CongressMember.state, CongressMember.chamber.desc(), CongressMember.district, CongressMember.last_name)
    ).scalars().all()
    return [(row, member_name(row)) for row in rows if member_name(row)]


def office_keys(definition):
    """The keys of every office of the campaign (no names: cheap enough for a public page)."""
    if definition.slug == "congress":
        return {row.bioguide_id for row, _name in _members()}
    if definition.slug == "xi":
        return {mission_key(mission) for mission in missions()}
    return {_single(definition).key} if _single(definition) else set()


def _single(definition):
    if definition.slug == "unhcr":
        # Translators: The recipient of the UNHCR petition's delivery packet, as the organisers' packets page lists it.
        return Recipient("unhcr", pgettext("packet", "UN High Commissioner for Refugees"))
    if definition.slug == "coalition":
        # Translators: The recipient of the organisations' letter's delivery packet, as the organisers' packets page lists it.
        return Recipient("president", pgettext("packet", "The President of the United States"))
    return None


def recipients(definition):
    """Every office of the campaign as Recipient values, in the packets' order. Needs a request context."""
    if not has_packets(definition.slug):
        return ()
    with in_language(definition.delivered_languages[0]):
        if definition.slug == "congress":
            return tuple(Recipient(row.bioguide_id, _member_title(row, name)) for row, name in _members())
        if definition.slug == "xi":
            return tuple(Recipient(mission_key(mission), mission.name_en) for mission in missions())
        single = _single(definition)
        return (single,) if single else ()


def recipient(definition, key):
    """The office with `key`, or None (unknown: not an office of this campaign)."""
    return next((found for found in recipients(definition) if found.key == key), None)


@dataclass(frozen=True)
class CurrentPacket:
    count: int  # signatures it would deliver now
    fingerprint: str | None  # what it would print now; None: no packet (nobody to deliver)


def current_packet(definition, key):
    """What the packet for office `key` would deliver if built now: its count and fingerprint,
    worked out from the signatures without drawing the PDF (for the delivery form)."""
    found = next((packet for packet in packets_for(definition, now_to_the_second()).packets
                  if packet.recipient_key == key), None)
    if found is None:
        return CurrentPacket(0, None)
    with in_language(definition.delivered_languages[0]):
        return CurrentPacket(found.count, fingerprint_of(found, definition.slug))
