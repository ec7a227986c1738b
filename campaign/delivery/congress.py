"""Packets of `congress`: one per member of Congress, and a summary.

Each Representative gets the signers of their district, each Senator the signers of their state
(also those whose district is unknown); every packet carries the letter addressed to the member,
their constituents' count and the national total. The packets go to U.S. offices in English, so
their labels are English here, not in the catalogs. A seat with no member (vacant) gets no
packet; the summary lists its signers' count, and so the number of signers with no district.
"""
from sqlalchemy import select

from ..districts import District
from ..extensions import db
from ..models import CongressMember, Signature
from ..places import us_states
from .document import Column
from .letter import Block, letter_blocks
from .packet import Packet, Section, SignerList, file_name_part
from .signers import display_name, totals_by

PARTIES = {"Democrat": "D", "Republican": "R", "Independent": "I"}
SIGNER_COLUMNS = (Column("Name", 70), Column("City", 60), Column("State", 25), Column("District", 25))


def signer_row(row):
    return ((display_name(row), row.locale), (row.city, row.locale), (row.region, None), (_label(row.district), None))


def _label(stored):
    return District.stored(stored).label if stored else ""


def _letter_for(definition):
    """member name -> the letter's blocks addressed to them. The letter is rendered once, with a
    marker where the name goes: rendering it 537 times took three seconds."""
    marker = "\u2063MEMBER\u2063"
    blocks = letter_blocks(definition, "en", member=marker)
    return lambda name: tuple(Block(block.kind, block.text.replace(marker, name)) for block in blocks)


def _member_title(member):
    party = PARTIES.get(member.party, member.party[:1] if member.party else "")
    if member.chamber == "sen":
        return f"Sen. {member.full_name} ({party}-{member.state})"
    return f"Rep. {member.full_name} ({party}-{District(member.state, member.district).label})"


def _footer(generated_at):
    when = generated_at.strftime("%Y-%m-%d %H:%M:%S UTC")
    return (("ko", f"Generated {when} from the signatures counted by then · Page {{page}} of {{pages}}"),)


def packets(definition, generated_at):
    states = us_states()
    members = db.session.execute(select(CongressMember).order_by(
        CongressMember.state, CongressMember.chamber.desc(), CongressMember.district, CongressMember.last_name)
    ).scalars().all()
    by_district = totals_by("congress", Signature.district)
    by_state = totals_by("congress", Signature.region)
    national = sum(by_state.values())
    letter = _letter_for(definition)
    title = str(definition.title)
    packets = []
    summary_rows = []
    for member in members:
        state_name = states[member.state].name("en") if member.state in states else member.state
        if member.chamber == "sen":
            count = by_state.get(member.state, 0)
            conditions = (Signature.region == member.state,)
            where = f"in {state_name}"
            filename = f"senate/{member.state}-{file_name_part(member.full_name)}.pdf"
        else:
            district = District(member.state, member.district)
            count = by_district.get(str(district), 0)
            conditions = (Signature.district == str(district),)
            where = (f"in {state_name}" if member.district == 0
                     else f"in {state_name}'s district {member.district} ({district.label})")
            filename = f"house/{district.label}-{file_name_part(member.full_name)}.pdf"
        recipient = _member_title(member)
        summary_rows.append((recipient, count))
        constituents = "constituent" if count == 1 else "constituents"
        packets.append(Packet(
            filename=filename, title=recipient, count=count,
            title_lines=((f"To {recipient}", "ko"), (title, "ko"),
                         (f"{count:,} {constituents} {where} signed this letter, of {national:,} signers "
                          f"nationwide.", "ko")),
            sections=(Section(blocks=letter(member.full_name)),),
            signers=SignerList(heading=f"Constituents who signed ({count:,})", columns=SIGNER_COLUMNS,
                               conditions=conditions, row=signer_row),
            footer=_footer(generated_at),
        ))
    seats = {str(District(m.state, m.district)) for m in members if m.chamber == "rep"}
    vacant = sorted((district, number) for district, number in by_district.items() if district and district not in seats)
    no_district = by_district.get(None, 0)
    notes = [f"{national:,} signatures in total; {len(members)} members of Congress."]
    if vacant:
        notes.append("Vacant seats (no packet): " + "; ".join(f"{_label(d)}: {n:,}" for d, n in vacant) + ".")
    if no_district:
        notes.append(f"{no_district:,} signers gave no district that could be determined; "
                     "they are in their Senators' packets only.")
    packets.insert(0, Packet(
        filename="summary.pdf", title="Summary: signatures per member of Congress", count=national,
        title_lines=(("Signatures per member of Congress", "ko"), (title, "ko"),
                     *((note, "ko") for note in notes)),
        sections=(Section(columns=(Column("Member of Congress", 130), Column("Signers", 40, align="R")),
                          rows=tuple((name, f"{number:,}") for name, number in summary_rows)),),
        footer=_footer(generated_at),
    ))
    return packets
