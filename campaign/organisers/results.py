"""Organisers' counts by place of the signatures the public results leave out: those waiting for
their email to be confirmed (pending) and those an organiser hid; counted ones too, unrounded.

Organisers may see their campaigns' signatures, so nothing is suppressed here; every download
is written to the audit log before it is sent.
"""
import csv
import io

from flask import Response, abort, g, request

from ..audit import audit
from ..delivery.build import now_to_the_second
from ..extensions import db
from ..models import SIGNATURE_HIDDEN, SIGNATURE_PENDING, SIGNATURES_IN_COUNT
from ..petitions.aggregates import count_places
from ..places import country_name, us_states
from ..spreadsheet import spreadsheet_safe
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_people

STATUSES = {"pending": (SIGNATURE_PENDING,), "hidden": (SIGNATURE_HIDDEN,), "counted": SIGNATURES_IN_COUNT}
COLUMNS = ("level", "code", "name", "count")


def aggregate_rows(definition, counts, tag):
    yield "total", "", "", counts.total
    if definition.results_by == "district":
        states = us_states()
        for code, count in sorted(counts.states.items()):
            yield "state", code, states[code].name(tag) if code in states else code, count
        for code, count in sorted(counts.districts.items()):
            yield "district", code, code, count
        yield "no_state", "", "", counts.without_place
    else:
        for code, count in sorted(counts.countries.items()):
            yield "country", code, country_name(code, tag), count
        yield "no_country", "", "", counts.without_place


@organisers.get("/<campaign>/results-by-place.csv")
@login_required
def export_aggregates(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    status = request.args.get("status", "")
    if status not in STATUSES:
        abort(404)
    counts = count_places(definition, STATUSES[status])
    audit("export_aggregates", g.organiser, definition.slug, status=status)
    db.session.commit()
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in aggregate_rows(definition, counts, g.lang):
        writer.writerow([spreadsheet_safe(value) for value in row])
    stamp = now_to_the_second().strftime("%Y%m%d-%H%M%S")
    return Response(buffer.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{definition.slug}-{status}-by-place-{stamp}.csv"'})
