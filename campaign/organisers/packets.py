"""The delivery packets page of the dashboard: the list of packets, one packet, all of them as a ZIP.

The PDFs themselves are drawn by campaign/delivery/. Packets name people: every download is
written to the audit log before it is sent.
"""
import io
import tempfile
import zipfile
from pathlib import Path

from flask import abort, g, render_template, request, send_file

from ..audit import audit
from ..delivery.build import build, build_one, has_packets, now_to_the_second, packets_for
from ..extensions import db
from ..petitions.forms import ButtonForm
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser


def _with_packets(definition):
    return has_packets(definition.slug)


FILTER_LENGTH = 100


def _matches(packet, words):
    """Every word of the filter is in the packet's recipient or file name (case-insensitive)."""
    haystack = f"{packet.title} {packet.filename}".casefold()
    return all(word in haystack for word in words)


@organisers.get("/<campaign>/packets/")
@login_required
def packets(campaign):
    """The packets, the campaign's total first and the recipients by count, filtered by `q`."""
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    described = packets_for(definition, now_to_the_second())
    query = " ".join(request.args.get("q", "").split())[:FILTER_LENGTH]
    recipients = sorted((packet for packet in described.packets if not packet.summary),
                        key=lambda packet: (-packet.count, packet.title.casefold(), packet.filename))
    shown = [packet for packet in recipients if _matches(packet, query.casefold().split())]
    return render_template("organisers/packets.html", petition=definition, described=described,
                           summary=next((packet for packet in described.packets if packet.summary), None),
                           recipients=recipients, shown=shown, query=query, logout_form=ButtonForm())


@organisers.get("/<campaign>/packets/<path:filename>")
@login_required
def packet(campaign, filename):
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    built = build_one(definition, filename)
    if built is None:
        abort(404)
    found, data = built
    audit("export_packet", g.organiser, definition.slug, packet=filename, signatures=found.count)
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                     download_name=Path(filename).name)


@organisers.get("/<campaign>/packets.zip")
@login_required
def packets_zip(campaign):
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    generated_at = now_to_the_second()
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
    with tempfile.TemporaryDirectory(prefix="packets-") as directory:
        written = build(definition, directory, generated_at)
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for found, path in written:
                archive.write(path, arcname=found.filename)
    audit("export_packets", g.organiser, definition.slug, packets=len(written))
    db.session.commit()
    spool.seek(0)
    stamp = generated_at.strftime("%Y%m%d-%H%M%S")
    return send_file(spool, mimetype="application/zip", as_attachment=True,
                     download_name=f"{definition.slug}-packets-{stamp}.zip")
