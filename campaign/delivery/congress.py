"""Packets of `congress`: one per member of Congress whose constituents signed, and a summary.

Each Representative gets the signers of their district, each Senator the signers of their state
(also those whose district is unknown); every packet carries the letter addressed to the member,
their constituents' count and the national total, in the packet's language (English: build.py
renders it so whatever the organiser's page language).

A member with no full name on file is addressed by first and last name. A seat with no member,
or whose member has no name at all, is vacant: no letter goes to it, and the summary lists its
signers. A member with no signers gets no packet; the summary lists every member with their count.
"""
from flask_babel import format_decimal, ngettext, pgettext
from sqlalchemy import select

from ..districts import District
from ..extensions import db
from ..i18n import current_language
from ..models import CongressMember, Signature
from ..places import us_states
from .document import Column
from .letter import Block, letter_blocks
from .packet import Packet, Section, SignerList, file_name_part, footer, language_face
from .signers import display_name, totals_by

PARTIES = {"Democrat": "D", "Republican": "R", "Independent": "I"}


def signer_row(row):
    return ((display_name(row), row.locale), (row.city, row.locale), (row.region, None), (_label(row.district), None))


def _signer_columns():
    # Translators: Delivery packet: column heading of the list of signers: the U.S. state they live in.
    state = pgettext("packet", "State")
    # Translators: Delivery packet: column heading of the list of signers: their congressional district (e.g. CA-40).
    district = pgettext("packet", "District")
    return (Column(pgettext("packet", "Name"), 70), Column(pgettext("packet", "City"), 60), Column(state, 25),
            Column(district, 25))


def _label(stored):
    """How a stored district is printed; a value not written like one (a bad import, a hand edit)
    is printed as it is: one row never stops a build."""
    try:
        return District.stored(stored).label if stored else ""
    except ValueError:
        return stored


def member_name(member):
    """The name a packet addresses: the full name, else first and last name; "" when the seat's
    row has no name at all (then the seat is treated as vacant)."""
    full = (member.full_name or "").strip()
    return full or " ".join(part for part in ((member.first_name or "").strip(), (member.last_name or "").strip())
                            if part)


def _letter_for(definition):
    """member name -> the letter's blocks addressed to them. The letter is rendered once, with a
    marker where the name goes: rendering it 537 times took three seconds."""
    marker = "\u2063MEMBER\u2063"
    blocks = letter_blocks(definition, "en", member=marker)
    return lambda name: tuple(Block(block.kind, block.text.replace(marker, name)) for block in blocks)


def _member_title(member, name):
    party = PARTIES.get(member.party, member.party[:1] if member.party else "")
    seat = member.state if member.chamber == "sen" else District(member.state, member.district).label
    seat = f"{party}-{seat}" if party else seat
    if member.chamber == "sen":
        # Translators: Delivery packet to a U.S. Senator: "Sen. Alex Padilla (D-CA)". %(name)s is their name, %(seat)s party and state.
        return pgettext("packet", "Sen. %(name)s (%(seat)s)", name=name, seat=seat)
    # Translators: Delivery packet to a U.S. Representative: "Rep. Young Kim (R-CA-40)". %(name)s is their name, %(seat)s party and district.
    return pgettext("packet", "Rep. %(name)s (%(seat)s)", name=name, seat=seat)


def _constituents(member, count, state_name):
    number = format_decimal(count)
    if member.chamber == "sen" or member.district == 0:
        # Translators: Delivery packet to a member of Congress, under its title. %(count)s is a number, %(state)s a U.S. state.
        return ngettext("%(count)s constituent in %(state)s signed this letter.",
                        "%(count)s constituents in %(state)s signed this letter.", count, count=number,
                        state=state_name)
    # Translators: Delivery packet to a Representative, under its title. %(count)s is a number, %(district)s a district such as CA-40, %(state)s a U.S. state.
    return ngettext("%(count)s constituent in district %(district)s (%(state)s) signed this letter.",
                    "%(count)s constituents in district %(district)s (%(state)s) signed this letter.", count,
                    count=number, district=District(member.state, member.district).label, state=state_name)


def packets(definition, generated_at):
    language = current_language()
    face = language_face(language)
    states = us_states()
    members = db.session.execute(select(CongressMember).order_by(
        CongressMember.state, CongressMember.chamber.desc(), CongressMember.district, CongressMember.last_name)
    ).scalars().all()
    named = [(member, member_name(member)) for member in members]
    named = [(member, name) for member, name in named if name]
    by_district = totals_by("congress", "district")
    by_state = totals_by("congress", "region")
    national = sum(by_state.values())
    letter = _letter_for(definition)
    title = str(definition.title)
    # Translators: Delivery packet to a member of Congress, under its title. %(count)s is a number.
    nationwide = ngettext("%(count)s person signed this letter nationwide.",
                          "%(count)s people signed this letter nationwide.", national, count=format_decimal(national))
    columns = _signer_columns()
    footer_lines = footer(generated_at)
    packets = []
    summary_rows = []
    for member, name in named:
        state_name = states[member.state].name(language) if member.state in states else member.state
        if member.chamber == "sen":
            count = by_state.get(member.state, 0)
            conditions = (Signature.region == member.state,)
            seat = member.state
            folder = "senate"
        else:
            district = District(member.state, member.district)
            count = by_district.get(str(district), 0)
            conditions = (Signature.district == str(district),)
            seat = district.label
            folder = "house"
        recipient = _member_title(member, name)
        summary_rows.append((recipient, count))
        packets.append(Packet(
            filename=f"{folder}/{seat}-{file_name_part(name) or member.bioguide_id.lower()}.pdf",
            title=recipient, count=count, recipient_key=member.bioguide_id,
            # Translators: Title of a delivery packet: "To Rep. Young Kim (R-CA-40)". %(recipient)s is the member's title and name.
            title_lines=((pgettext("packet", "To %(recipient)s", recipient=recipient), face), (title, face),
                         (_constituents(member, count, state_name), face), (nationwide, face)),
            sections=(Section(face=face, blocks=letter(name)),),
            # Translators: Delivery packet to a member of Congress: heading of the list of signers. %(count)s is a number.
            signers=SignerList(heading=ngettext("Constituent who signed (%(count)s)", "Constituents who signed (%(count)s)",
                                                count, count=format_decimal(count)),
                               columns=columns, conditions=conditions, row=signer_row, face=face),
            footer=footer_lines,
        ))
    packets.insert(0, _summary(definition, named, summary_rows, by_district, national, columns, face, footer_lines))
    return packets


def _summary(definition, named, summary_rows, by_district, national, columns, face, footer_lines):
    """The summary: every member with their count (0 included), the vacant seats and their signers,
    and the signers with no district."""
    seats = {str(District(member.state, member.district)) for member, _name in named if member.chamber == "rep"}
    vacant = sorted((district, number) for district, number in by_district.items()
                    if district and district not in seats)
    in_vacant_seats = sum(number for _district, number in vacant)
    no_district = by_district.get(None, 0)
    with_packets = sum(1 for _recipient, number in summary_rows if number)
    # Translators: Summary of the delivery packets to Congress, under its title. %(count)s is a number.
    notes = [ngettext("%(count)s signature in total.", "%(count)s signatures in total.", national,
                      count=format_decimal(national)),
             # Translators: Summary of the delivery packets to Congress. %(count)s is a number of members of Congress.
             ngettext("%(count)s member of Congress has constituents who signed and gets a packet; the others are "
                      "listed below with 0.",
                      "%(count)s members of Congress have constituents who signed and get a packet; the others are "
                      "listed below with 0.", with_packets, count=format_decimal(with_packets))]
    if in_vacant_seats:
        # Translators: Summary of the delivery packets to Congress. %(count)s is a number of signers.
        notes.append(ngettext("%(count)s signer lives in a district whose seat is vacant: no letter goes there, "
                              "and the signer is listed at the end.",
                              "%(count)s signers live in districts whose seat is vacant: no letter goes there, "
                              "and the signers are listed at the end.", in_vacant_seats,
                              count=format_decimal(in_vacant_seats)))
    if no_district:
        # Translators: Summary of the delivery packets to Congress. %(count)s is a number of signers.
        notes.append(ngettext("%(count)s signer gave no district that could be determined and is in their "
                              "Senators’ packets only.",
                              "%(count)s signers gave no district that could be determined and are in their "
                              "Senators’ packets only.", no_district, count=format_decimal(no_district)))
    # Translators: A row of the summary of the delivery packets to Congress. %(district)s is a district such as CA-46.
    rows = [*summary_rows, *((pgettext("packet", "Vacant seat: %(district)s", district=_label(district)), number)
                             for district, number in vacant)]
    signers = None
    if vacant:
        signers = SignerList(
            # Translators: Summary of the delivery packets to Congress: heading of the list of signers whose district has no member. %(count)s is a number.
            heading=ngettext("Signer in a vacant seat (%(count)s)", "Signers in vacant seats (%(count)s)",
                             in_vacant_seats, count=format_decimal(in_vacant_seats)),
            columns=columns, conditions=(Signature.district.in_([district for district, _number in vacant]),),
            row=signer_row, face=face)
    # Translators: Column heading of the summary of the delivery packets to Congress.
    member_column = pgettext("packet", "Member of Congress")
    # Translators: Column heading of the summary of the delivery packets to Congress: the number of signers per member.
    signers_column = pgettext("packet", "Signers")
    table_columns = (Column(member_column, 130), Column(signers_column, 40, align="R"))
    return Packet(
        # Translators: Title of the summary packet of the letter to Congress, as the organisers' packets page lists it.
        filename="summary.pdf", title=pgettext("packet", "Summary: signatures per member of Congress"), count=national,
        # Translators: Title of the summary packet of the letter to Congress.
        title_lines=((pgettext("packet", "Signatures per member of Congress"), face), (str(definition.title), face),
                     *((note, face) for note in notes)),
        sections=(Section(face=face, columns=table_columns,
                          rows=tuple((name, format_decimal(number)) for name, number in rows)),),
        signers=signers, footer=footer_lines, summary=True,
    )
