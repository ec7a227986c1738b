"""The public results of a campaign: `/<lang>/<campaign>/results` (a page with a map drawn on the
server), `results.json` and `results.csv` (open data, schema in the README's "Open data").

Everything here is the same for every visitor: the counts come from petitions/aggregates.py
(a place with fewer than RESULTS_MIN_COUNT signers, none included, is "fewer than N"), and each
rendered page or file is kept per process for RESULTS_CACHE_SECONDS, which is also how long a
proxy may keep it.
"""
import csv
import io
import json
import time
from dataclasses import dataclass

from flask import abort, current_app, g, make_response, render_template, request
from sqlalchemy import select

from ..congress_data import full_name
from ..districts import District
from ..extensions import db
from ..i18n import sort_for_language
from ..maps import FEWER_COLOUR, colour_classes, colour_of, us_map, world_map
from ..models import CongressMember
from ..places import country_codes, country_name, us_states
from ..spreadsheet import spreadsheet_safe
from . import deliveries
from .aggregates import minimum_shown, place_counts, shown
from .organisations import signatories

SCHEMA_VERSION = 1
# How the district table may be sorted (?sort=); anything else is the default, the first.
DISTRICT_SORTS = ("district", "member", "count")


@dataclass(frozen=True)
class Member:
    bioguide_id: str
    name: str


@dataclass(frozen=True)
class Place:
    code: str  # ISO 3166-1 alpha-2, a U.S. state code, or a district as ST-NN
    name: str  # in the page's language (a district: CA-40, AK-AL)
    count: int | None  # None: fewer than RESULTS_MIN_COUNT
    colour: str = ""
    members: tuple = ()  # a district's representative, a state's senators


def _seats():
    """({(state, district): Member} of representatives, {state: (Member, ...)} of senators)."""
    representatives, senators = {}, {}
    rows = db.session.execute(select(CongressMember).order_by(CongressMember.senate_class)).scalars()
    for row in rows:
        member = Member(row.bioguide_id, full_name(row.full_name, row.first_name, row.last_name))
        if not member.name:
            continue
        if row.chamber == "rep":
            representatives[(row.state, row.district)] = member
        else:
            senators.setdefault(row.state, []).append(member)
    return representatives, {state: tuple(members) for state, members in senators.items()}


def all_districts():
    """Every House seat: each state's districts, AK-00 for an at-large seat or a delegate."""
    for state in us_states().values():
        numbers = [0] if state.districts == 0 else range(1, state.districts + 1)
        for number in numbers:
            yield District(state.code, number)


def country_results(definition, tag):
    counts = place_counts(definition)
    places = [Place(code, country_name(code, tag), shown(counts.countries.get(code))) for code in country_codes()]
    classes = colour_classes(max([place.count or 0 for place in places], default=0), minimum_shown())
    places = [Place(place.code, place.name, place.count, colour_of(place.count, classes)) for place in places]
    # The table: the places shown with a number, most signers first, then by name.
    ranked = sorted(sort_for_language([place for place in places if place.count], tag, key=lambda place: place.name),
                    key=lambda place: -place.count)
    return {"counts": counts, "places": places, "ranked": ranked, "classes": classes, "map": world_map()}


def district_results(definition, tag, sort=DISTRICT_SORTS[0]):
    counts = place_counts(definition)
    representatives, senators = _seats()
    states = [Place(state.code, state.name(tag), shown(counts.states.get(state.code)),
                    members=senators.get(state.code, ())) for state in us_states().values()]
    classes = colour_classes(max([place.count or 0 for place in states], default=0), minimum_shown())
    states = [Place(place.code, place.name, place.count, colour_of(place.count, classes), place.members)
              for place in sort_for_language(states, tag, key=lambda place: place.name)]
    districts = [Place(str(district), district.label, shown(counts.districts.get(str(district))),
                       members=tuple(filter(None, [representatives.get((district.state, district.number))])))
                 for district in all_districts()]
    in_order = sorted(districts, key=lambda place: (place.code[:2], place.code))
    if sort == "count":
        # A hidden count sorts as one: "fewer than 5" never tells one signer from none by its place.
        in_order.sort(key=lambda place: -(place.count or 0))
    elif sort == "member":
        with_member = sort_for_language([place for place in in_order if place.members], tag,
                                        key=lambda place: place.members[0].name)
        in_order = with_member + [place for place in in_order if not place.members]
    no_district = sum(count for state, count in counts.states.items()) - sum(counts.districts.values())
    return {"counts": counts, "states": states, "districts": in_order, "classes": classes, "map": us_map(),
            "no_district": shown(no_district), "sort": sort}


def organisation_results(definition, tag):
    """Approved organisations by country (names as each organisation writes it), founding
    signatories (no country on file) first."""
    listed = signatories(definition)
    by_country = {}
    for signatory in listed:
        by_country.setdefault(signatory.country, []).append(signatory)
    countries = sort_for_language([code for code in by_country if code], tag, key=lambda code: country_name(code, tag))
    groups = [(code, country_name(code, tag), by_country[code]) for code in countries]
    return {"founding": by_country.get(None, []), "groups": groups, "total": len(listed)}


def _cached(key, build):
    """A rendered page or file, kept per process for RESULTS_CACHE_SECONDS."""
    seconds = current_app.config["RESULTS_CACHE_SECONDS"]
    cache = current_app.extensions.setdefault("results_bodies", {})
    entry = cache.get(key)
    now = time.monotonic()
    if entry is None or entry[0] <= now or seconds <= 0:
        entry = (now + seconds, build())
        cache[key] = entry
    return entry[1]


def forget_results(slug):
    """Drop this process's cached results of campaign `slug` (its page, member pages and open data)
    after an organiser recorded a delivery or a response: it shows at once here, and within
    RESULTS_CACHE_SECONDS in every other process."""
    cache = current_app.extensions.get("results_bodies", {})
    for key in [key for key in cache if key[0] == slug]:
        cache.pop(key, None)


def _public(body, mimetype, open_data=False, filename=None):
    response = make_response(body)
    response.mimetype = mimetype
    response.cache_control.public = True
    response.cache_control.max_age = max(0, current_app.config["RESULTS_CACHE_SECONDS"])
    if open_data:
        # Anyone's page or tool may read the open data.
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["X-Content-Type-Options"] = "nosniff"
    if filename:
        response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- open data ------------------------------------------------------------------------------

def _count_fields(count):
    return {"count": count, "suppressed": count is None}


def _member_fields(members):
    return [{"bioguide_id": member.bioguide_id, "name": member.name} for member in members]


def open_data(definition, tag):
    """The results as one JSON-ready dict: schema version 1 (README, "Open data")."""
    data = {"schema_version": SCHEMA_VERSION, "campaign": definition.slug, "language": tag,
            "min_count": minimum_shown(), "deliveries": deliveries.open_data(definition)}
    if definition.signers == "organisations":
        found = organisation_results(definition, tag)
        organisations = [signatory for _code, _name, listed in found["groups"] for signatory in listed]
        data.update(by="organisation", total=found["total"], organisations=[
            {"name": signatory.name, "name_en": signatory.name_en, "country": signatory.country,
             "country_name": country_name(signatory.country, tag) if signatory.country else None,
             "homepage": signatory.homepage, "founding": signatory in found["founding"]}
            for signatory in found["founding"] + organisations])
        return data
    if definition.results_by == "district":
        found = district_results(definition, tag)
        counts = found["counts"]
        data.update(by="district", counted_at=_iso(counts.counted_at), total=counts.total, states=[
            {"code": place.code, "name": place.name, **_count_fields(place.count),
             "senators": _member_fields(place.members)} for place in sorted(found["states"], key=lambda p: p.code)],
            districts=[{"code": place.code, "state": place.code[:2], **_count_fields(place.count),
                        "representative": (_member_fields(place.members) or [None])[0]}
                       for place in found["districts"]],
            without_district=_count_fields(found["no_district"]))
        return data
    found = country_results(definition, tag)
    counts = found["counts"]
    data.update(by="country", counted_at=_iso(counts.counted_at), total=counts.total, countries=[
        {"code": place.code, "name": place.name, **_count_fields(place.count)}
        for place in sorted(found["places"], key=lambda place: place.code)],
        without_country=_count_fields(shown(counts.without_place)))
    return data


def _iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


CSV_COLUMNS = ("level", "code", "name", "member_bioguide_ids", "member_names", "count", "suppressed")
ORGANISATION_CSV_COLUMNS = ("level", "code", "name", "organisation", "organisation_en", "homepage", "founding")
# Added after the others (schema 1 gains columns, none moves): filled on the `delivery` rows only.
DELIVERY_CSV_COLUMNS = ("delivered_on", "channel", "delivered_count", "packet_sha256", "response_on",
                        "response_status", "response_summary", "response_url")


def _delivery_cells(item):
    response = item["response"] or {}
    return (item["delivered_on"], item["channel"], item["count"], item["packet_sha256"], response.get("date"),
            response.get("status"), response.get("summary"), response.get("url"))


def open_data_csv(data):
    """The same numbers as CSV (UTF-8 with a byte-order mark; every cell spreadsheet-safe)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")

    def row(*values):
        writer.writerow([spreadsheet_safe(value) for value in values])

    log = data["deliveries"]["log"]
    no_delivery = ("",) * len(DELIVERY_CSV_COLUMNS)
    if data["by"] == "organisation":
        row(*ORGANISATION_CSV_COLUMNS, *DELIVERY_CSV_COLUMNS)
        for item in data["organisations"]:
            row("organisation", item["country"], item["country_name"], item["name"], item["name_en"],
                item["homepage"], "true" if item["founding"] else "false", *no_delivery)
        for item in log:
            row("delivery", item["recipient"], item["recipient_name"], "", "", "", "", *_delivery_cells(item))
        return buffer.getvalue()
    row(*CSV_COLUMNS, *DELIVERY_CSV_COLUMNS)

    def place_row(level, item, members=()):
        members = [member for member in members if member]
        row(level, item["code"], item.get("name", item["code"]), " ".join(m["bioguide_id"] for m in members),
            "; ".join(m["name"] for m in members), item["count"], "true" if item["suppressed"] else "false",
            *no_delivery)

    row("total", "", "", "", "", data["total"], "false", *no_delivery)
    for item in data.get("countries", ()):
        place_row("country", item)
    for item in data.get("states", ()):
        place_row("state", item, item["senators"])
    for item in data.get("districts", ()):
        place_row("district", item, [item["representative"]])
    for item in log:
        row("delivery", item["recipient"], item["recipient_name"], "", "", item["count"],
            "true" if item["count_suppressed"] else "false", *_delivery_cells(item))
    return buffer.getvalue()


# --- routes ---------------------------------------------------------------------------------

def add_results_routes(blueprint, definition):
    @blueprint.get("/results")
    def results():
        sort = request.args.get("sort")
        sort = sort if sort in DISTRICT_SORTS else DISTRICT_SORTS[0]
        if definition.results_by != "district":
            sort = None

        def render():
            if definition.signers == "organisations":
                found = organisation_results(definition, g.lang)
            elif definition.results_by == "district":
                found = district_results(definition, g.lang, sort)
            else:
                found = country_results(definition, g.lang)
            log = deliveries.public_log(definition)
            return render_template("petitions/results.html", petition=definition, found=found,
                                   minimum=minimum_shown(), fewer_colour=FEWER_COLOUR, delivery_log=log,
                                   delivery_totals=deliveries.delivery_totals(definition, log))
        return _public(_cached((definition.slug, g.lang, "page", sort), render), "text/html")

    @blueprint.get("/results.json")
    def results_json():
        body = _cached((definition.slug, g.lang, "json"),
                       lambda: json.dumps(open_data(definition, g.lang), ensure_ascii=False, indent=1))
        return _public(body, "application/json", open_data=True)

    @blueprint.get("/results.csv")
    def results_csv():
        body = _cached((definition.slug, g.lang, "csv"), lambda: open_data_csv(open_data(definition, g.lang)))
        return _public(body, "text/csv", open_data=True,
                       filename=f"{definition.slug}-results-v{SCHEMA_VERSION}-{g.lang}.csv")

    if definition.results_by == "district":
        add_member_routes(blueprint, definition)
    return results


def add_member_routes(blueprint, definition):
    """`/<lang>/congress/members/<bioguide>`: one member, and how many of their constituents signed
    (the district's count, a senator's state's), suppressed like the results. The thanks page,
    the same for everyone, links to the district table, where each member links here: no page
    ever learns which district a signer chose."""
    @blueprint.get("/members/<bioguide>")
    def member(bioguide):
        row = db.session.get(CongressMember, bioguide[:16])
        if row is None:
            abort(404)

        def render():
            counts = place_counts(definition)
            state = us_states().get(row.state)
            if row.chamber == "rep":
                district = District(row.state, row.district)
                count = counts.districts.get(str(district))
            else:
                district, count = None, counts.states.get(row.state)
            return render_template("petitions/member.html", petition=definition, minimum=minimum_shown(),
                                   name=full_name(row.full_name, row.first_name, row.last_name), district=district,
                                   state_name=state.name(g.lang) if state else row.state, count=shown(count),
                                   deliveries=deliveries.deliveries_to(definition, row.bioguide_id))
        return _public(_cached((definition.slug, g.lang, "member", row.bioguide_id), render), "text/html")

