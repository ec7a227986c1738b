"""Congressional districts and members of Congress: `flask data import`, and the look-ups the
congress form uses.

The data ships with the project (campaign/data/congress/, licences in the NOTICE files there);
the app reads the tables this command fills, not these files (except zip_places.csv, the post
office data that campaign/zip_places.py keeps in memory). Re-running the import
replaces the ZIP table and brings the members up to date (new members added, changed ones
updated, departed ones removed), in one transaction, so the site never sees half a table.
"""
import csv
from dataclasses import dataclass
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import delete, insert, select

from .districts import District
from .extensions import db
from .models import CongressMember, ZipDistrict
from .places import us_states
from .zip_places import prefix_states, zip_place

DATA_DIR = Path(__file__).parent / "data" / "congress"
ZIP_FILE = DATA_DIR / "zccd.csv"
MEMBERS_FILE = DATA_DIR / "legislators-current.csv"
BATCH = 2000

data_cli = AppGroup("data", help="Reference data: congressional districts and members of Congress.")


class DataError(click.ClickException):
    """A data file that is not what the importer expects: nothing is changed."""


def _read_csv(path, required):
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = set(required) - set(reader.fieldnames or ())
        if missing:
            raise DataError(f"{path}: missing columns {', '.join(sorted(missing))}")
        return list(reader)


def read_zip_districts(path):
    """The distinct (zip, state, district) rows of a zccd.csv file, checked."""
    seen = set()
    for line, row in enumerate(_read_csv(path, ("state_abbr", "zcta", "cd")), start=2):
        zip_code, state, number = row["zcta"].strip(), row["state_abbr"].strip().upper(), row["cd"].strip()
        if not (len(zip_code) == 5 and zip_code.isdigit() and len(state) == 2 and number.isdigit()):
            raise DataError(f"{path}, line {line}: not a ZIP, state and district: {row}")
        seen.add((zip_code, state, int(number)))
    return sorted(seen)


def read_members(path):
    """Members of Congress from a legislators-current.csv file, as dicts of CongressMember columns."""
    members = {}
    required = ("bioguide_id", "type", "state", "district", "senate_class", "full_name", "first_name",
                "last_name", "party", "url")
    for line, row in enumerate(_read_csv(path, required), start=2):
        chamber, state = row["type"].strip(), row["state"].strip().upper()
        bioguide_id = row["bioguide_id"].strip()
        district, senate_class = row["district"].strip(), row["senate_class"].strip()
        valid = (bioguide_id and len(state) == 2 and
                 (chamber == "rep" and district.isdigit() or chamber == "sen" and senate_class.isdigit()))
        if not valid:
            raise DataError(f"{path}, line {line}: not a member of Congress: {row}")
        if bioguide_id in members:
            raise DataError(f"{path}, line {line}: {bioguide_id} appears twice")
        members[bioguide_id] = {
            "bioguide_id": bioguide_id, "chamber": chamber, "state": state,
            "district": int(district) if chamber == "rep" else None,
            "senate_class": int(senate_class) if chamber == "sen" else None,
            # A member new to the file may have no full name yet (CA-1 and NJ-11 in 2026-06).
            "full_name": full_name(row["full_name"], row["first_name"], row["last_name"]),
            "first_name": row["first_name"].strip(),
            "last_name": row["last_name"].strip(), "party": row["party"].strip() or None,
            "url": row["url"].strip() or None,
        }
    return members


def full_name(full, first, last):
    """The member's full name, else first and last name."""
    return (full or "").strip() or " ".join(part.strip() for part in (first or "", last or "") if part.strip())


def import_congress_data(zip_path=ZIP_FILE, members_path=MEMBERS_FILE, progress=None):
    """Load both files in one transaction; returns a summary dict. `progress(iterable, label)`
    wraps the loops (a click progress bar on the command line)."""
    progress = progress or (lambda iterable, label: iterable)
    zip_rows = read_zip_districts(zip_path)
    members = read_members(members_path)

    db.session.execute(delete(ZipDistrict))
    batches = [zip_rows[start:start + BATCH] for start in range(0, len(zip_rows), BATCH)]
    for batch in progress(batches, "ZIP codes"):
        db.session.execute(insert(ZipDistrict), [
            {"zip_code": zip_code, "state": state, "district": number} for zip_code, state, number in batch])

    existing = {member.bioguide_id: member for member in db.session.scalars(select(CongressMember))}
    added = updated = 0
    for bioguide_id, values in progress(list(members.items()), "Members of Congress"):
        member = existing.pop(bioguide_id, None)
        if member is None:
            db.session.add(CongressMember(**values))
            added += 1
        elif any(getattr(member, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(member, key, value)
            updated += 1
    for member in existing.values():  # no longer in Congress
        db.session.delete(member)
    db.session.commit()
    return {"zip_rows": len(zip_rows), "zip_codes": len({row[0] for row in zip_rows}), "members": len(members),
            "added": added, "updated": updated, "removed": len(existing)}


@data_cli.command("import")
@click.option("--zip-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=ZIP_FILE,
              show_default=True, help="ZIP → district CSV (zccd.csv).")
@click.option("--members-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              default=MEMBERS_FILE, show_default=True, help="Members of Congress CSV (legislators-current.csv).")
def import_command(zip_file, members_file):
    """Load the ZIP → congressional district table and the members of Congress (safe to re-run)."""
    def progress(iterable, label):
        return _closing(click.progressbar(iterable, label=label))

    summary = import_congress_data(zip_file, members_file, progress)
    click.echo(f"{summary['zip_rows']} ZIP rows ({summary['zip_codes']} ZIP codes); "
               f"{summary['members']} members of Congress: {summary['added']} added, "
               f"{summary['updated']} updated, {summary['removed']} removed.")


def _closing(bar):
    with bar as items:
        yield from items


# --- look-ups for the congress form ----------------------------------------------------------

def zip_data_loaded():
    """Whether `flask data import` has run: without the table, the form does not ask for a district."""
    return db.session.execute(select(ZipDistrict.zip_code).limit(1)).first() is not None


@dataclass(frozen=True)
class ZipLookup:
    """What a ZIP code says about the district of a signer who chose `state`."""
    districts: tuple = ()  # the districts it touches in that state: one, several or none known
    other_state: str | None = None  # set when the ZIP code is in another state, not the chosen one


def look_up_zip(zip_code, state):
    """The districts of a ZIP code (5 digits or ZIP+4) in the chosen state.

    The district table decides where it knows the ZIP code in that state. Otherwise the post
    office data (zip_places) tells whether the ZIP code belongs to another state; a ZIP code of
    this state that the table lacks (PO boxes, new codes) and a ZIP code nobody knows have no
    known district, unless the state has a single one. Nothing is guessed between districts.
    """
    zip5 = zip_code[:5]
    rows = db.session.execute(
        select(ZipDistrict.state, ZipDistrict.district).where(ZipDistrict.zip_code == zip5)
        .order_by(ZipDistrict.state, ZipDistrict.district)).all()
    here = tuple(District(row_state, number) for row_state, number in rows if row_state == state)
    if here:
        return ZipLookup(here)
    place = zip_place(zip5)
    if place is not None and place.state != state:
        return ZipLookup(other_state=place.state)
    if place is None and rows:
        return ZipLookup(other_state=rows[0].state)
    if place is None:
        states = prefix_states(zip5)
        if len(states) == 1 and state not in states:
            return ZipLookup(other_state=next(iter(states)))
    return ZipLookup(only_district(state))


def only_district(state):
    """The state's district when it has a single one (an at-large seat or a delegate), else ()."""
    info = us_states().get(state)
    if info is None or info.districts > 1:
        return ()
    return (District(state, 0 if info.districts == 0 else 1),)


def nearby_places(zip_code, districts, limit=3, within_km=40):
    """{district: ((city, (zip, ...)), ...)}: for each of a ZIP code's districts, the nearest
    ZIP codes (at most `limit`, within `within_km`) that lie in that district and in none of the
    others, grouped by city. They help a signer tell the districts apart; a district may have none."""
    here = zip_place(zip_code)
    if here is None or not districts:
        return {}
    state = districts[0].state
    touching = select(ZipDistrict.zip_code).where(
        ZipDistrict.state == state, ZipDistrict.district.in_([district.number for district in districts]))
    seats = {}
    for other_zip, other_state, number in db.session.execute(
            select(ZipDistrict.zip_code, ZipDistrict.state, ZipDistrict.district)
            .where(ZipDistrict.zip_code.in_(touching))):
        seats.setdefault(other_zip, set()).add(District(other_state, number))
    result = {}
    for district in districts:
        others = set(districts) - {district}
        near = []
        for other_zip, its_districts in seats.items():
            place = zip_place(other_zip)
            if other_zip == here.zip_code or district not in its_districts or its_districts & others or place is None:
                continue
            distance = here.km_to(place)
            if distance <= within_km:
                near.append((distance, place.zip_code, place))
        result[district] = _by_city(place for _distance, _zip, place in sorted(near)[:limit])
    return result


def _by_city(places):
    """((city, (zip, ...)), ...) in order of first appearance, the ZIP codes of a city sorted."""
    cities = {}
    for place in places:
        cities.setdefault(place.city, []).append(place.zip_code)
    return tuple((city, tuple(sorted(zips))) for city, zips in cities.items())


def candidate_districts(zip_code, state):
    """(districts, found): the districts a ZIP touches in `state`, or the state's districts
    when the ZIP is not in the table for that state (found is then False)."""
    numbers = db.session.scalars(
        select(ZipDistrict.district).where(ZipDistrict.zip_code == zip_code[:5], ZipDistrict.state == state)
        .order_by(ZipDistrict.district)).all()
    if numbers:
        return [District(state, number) for number in numbers], True
    info = us_states().get(state)
    if info is None:
        return [], False
    numbers = [0] if info.districts == 0 else range(1, info.districts + 1)
    return [District(state, number) for number in numbers], False


def representatives(state):
    """{district number: member's name} for the state's House seats; vacant seats are absent.
    A member with no full name on file is named by first and last name."""
    rows = db.session.execute(
        select(CongressMember.district, CongressMember.full_name, CongressMember.first_name, CongressMember.last_name)
        .where(CongressMember.chamber == "rep", CongressMember.state == state)).all()
    names = {number: full_name(full, first, last) for number, full, first, last in rows}
    return {number: name for number, name in names.items() if name}
