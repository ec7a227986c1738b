"""What organisers take away: a CSV of signatures (the delivery packets are in packets.py).

The CSV holds only what the organiser's role and each signer's consent allow: every organiser of
the campaign gets what the packets show plus when, how, in which language and under which
version of the letter text people signed; an email address only of a signer whose newest answer
accepts news about the petition; street address and ZIP code only for admins (they are kept to
identify constituents, not to be handed around). Every export is written to the audit log before it is sent.
"""
import csv
import io

from flask import Response, g, stream_with_context

from ..audit import audit
from ..delivery.build import now_to_the_second
from ..delivery.signers import counted_batches
from ..extensions import db
from ..mail.updates import latest_choices
from ..models import ROLE_ADMIN, Signature
from ..spreadsheet import spreadsheet_safe
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser, signed_by_people

def csv_columns(user):
    columns = ["signature", "signed_at_utc", "source", "language", "letter_version", "first_name", "last_name", "city",
               "region", "district", "country", "email"]
    if user.role == ROLE_ADMIN:
        columns += ["street_address", "postal_code"]
    return columns


CSV_SOURCE = (Signature.id, Signature.created_at, Signature.source, Signature.locale, Signature.letter_version,
              Signature.first_name, Signature.last_name, Signature.city, Signature.region, Signature.district,
              Signature.country, Signature.email, Signature.street_address, Signature.postal_code)


def _csv_rows(definition, columns):
    rule = definition.updates_consent
    for rows in counted_batches(definition.slug, CSV_SOURCE):
        choices = latest_choices([row.id for row in rows], rule.purpose) if rule else {}
        for row in rows:
            contactable = rule is not None and rule.accepts(choices.get(row.id))
            values = {
                "signature": row.id, "signed_at_utc": row.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "source": row.source, "language": row.locale, "letter_version": row.letter_version,
                "first_name": row.first_name, "last_name": row.last_name, "city": row.city, "region": row.region,
                "district": row.district,
                "country": row.country, "email": row.email if contactable else None,
                "street_address": row.street_address, "postal_code": row.postal_code,
            }
            yield [spreadsheet_safe(values[column]) for column in columns]


@organisers.get("/<campaign>/signatures.csv")
@login_required
def export_csv(campaign):
    definition = campaign_for_organiser(campaign, applies=signed_by_people)
    user = g.organiser
    columns = csv_columns(user)
    audit("export_csv", user, definition.slug, columns=columns)
    db.session.commit()

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        # A byte-order mark so spreadsheet programs read the file as UTF-8 (Korean and Chinese names).
        buffer.write("\ufeff")
        writer.writerow(columns)
        for row in _csv_rows(definition, columns):
            writer.writerow(row)
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    stamp = now_to_the_second().strftime("%Y%m%d-%H%M%S")
    return Response(stream_with_context(lines()), mimetype="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{definition.slug}-signatures-{stamp}.csv"'})
