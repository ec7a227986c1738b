"""The delivery packets page of the dashboard: build all packets, follow the build, download them.

Drawing every packet takes up to a minute, so no web request does it: the button queues a build
(campaign/delivery/jobs.py) that a worker (`flask delivery work --loop`) writes to disk, and the
page shows its progress: "Refresh now" reloads it, and where JavaScript runs (static/packets.js)
the progress updates itself from progress.json. No timed refresh of the whole page: a page that
reloads itself under a reader's eyes or a screen reader fails WCAG 2.2.1. Downloads are the finished files of the
newest build (one packet, or the ZIP the build made), kept until the next build is finished.
Packets name people: asking for a build and every download are written to the audit log first.
"""
from datetime import timedelta
from pathlib import Path

from babel.units import format_unit
from flask import abort, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import format_datetime, format_decimal, get_locale, gettext as _, ngettext

from ..audit import audit
from ..delivery.build import has_packets
from ..delivery.jobs import finished_file, finished_zip, latest_builds, queue_build
from ..extensions import db
from ..models import BUILD_QUEUED, BUILD_RUNNING, utcnow
from ..petitions.forms import ButtonForm
from . import organisers
from .auth import login_required
from .dashboard import campaign_for_organiser

FILTER_LENGTH = 100
# A build still waiting after this long: no worker seems to run, and the page says whom to ask.
WAITING_TOO_LONG = timedelta(seconds=60)


def _with_packets(definition):
    return has_packets(definition.slug)


def _matches(packet, words):
    """Every word of the filter is in the packet's recipient or file name (case-insensitive)."""
    haystack = f"{packet.title} {packet.filename}".casefold()
    return all(word in haystack for word in words)


def file_size(size):
    """A file's size as the page's language writes it: 14 kB, 2.3 MB."""
    if size < 1000 * 1000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=get_locale())
    return format_unit(round(size / 1000 / 1000, 1), "digital-megabyte", length="short", locale=get_locale())


def moment(value):
    """A date and time as the page's language writes it (in UTC, which the sentences say)."""
    return format_datetime(value, "medium")


def progress_text(active):
    """Where the build under way is, in a sentence (the page, and progress.json for packets.js)."""
    if active.status == BUILD_QUEUED:
        # Translators: Delivery packets page: a build was asked for and waits for the program that builds packets in the background. %(time)s is a date and time.
        return _("Build asked for on %(time)s (UTC): waiting for the packet worker to start it.",
                 time=moment(active.requested_at))
    if active.packets_total is None:
        # Translators: Delivery packets page: the first step of a build, before any packet is written.
        return _("Building: reading the signatures.")
    # Translators: Delivery packets page: the progress of a build. %(done)s and %(total)s are numbers.
    return ngettext("Building: %(done)s of %(total)s packet written.",
                    "Building: %(done)s of %(total)s packets written.", active.packets_total,
                    done=format_decimal(active.packets_done), total=format_decimal(active.packets_total))


def stalled_notice(active):
    """What to do when no worker is on the build: waiting over a minute, or its worker stopped
    (its lease ran out or was given back). None while all is well."""
    now = utcnow()
    waiting_too_long = active.status == BUILD_QUEUED and now - active.requested_at > WAITING_TOO_LONG
    stopped = active.status == BUILD_RUNNING and (active.locked_until is None or active.locked_until < now)
    if not (waiting_too_long or stopped):
        return None
    # Translators: Delivery packets page, when no background program is working on a build. "flask delivery work --loop" is a command: keep it as it is.
    return _("No packet worker is working on this build at the moment. It goes on where it stopped as soon as one "
             "runs: ask whoever runs the site to start “flask delivery work --loop”.")


def _page(definition, refused=False):
    active, finished, failed = latest_builds(definition.slug)
    files = finished.files if finished else []
    query = " ".join(request.args.get("q", "").split())[:FILTER_LENGTH]
    recipients = sorted((row for row in files if not row.summary),
                        key=lambda row: (-row.signatures, row.title.casefold(), row.filename))
    shown = [row for row in recipients if _matches(row, query.casefold().split())]
    return render_template("organisers/packets.html", petition=definition, active=active, finished=finished,
                           failed=failed, files=files, summary=next((row for row in files if row.summary), None),
                           recipients=recipients, shown=shown, query=query, refused=refused,
                           progress_text=progress_text(active) if active else None,
                           stalled_notice=stalled_notice(active) if active else None,
                           build_form=ButtonForm(formdata=None), logout_form=ButtonForm(), moment=moment,
                           file_size=file_size), 409 if refused else 200


def _open(path):
    """The finished file, opened before the download is audited; 404 if there is none (or a newer
    build removed it a moment ago: an open file stays readable after that)."""
    if path is None:
        abort(404)
    try:
        return open(path, "rb")  # noqa: SIM115  (send_file closes it after the response)
    except (FileNotFoundError, IsADirectoryError):
        abort(404)


@organisers.get("/<campaign>/packets/")
@login_required
def packets(campaign):
    """The newest build's packets, the campaign's total first and the recipients by count,
    filtered by `q`; and the build under way, if any."""
    return _page(campaign_for_organiser(campaign, applies=_with_packets))


@organisers.get("/<campaign>/packets/progress.json")
@login_required
def packets_progress(campaign):
    """The build under way, for packets.js: {"active": false} once there is none (the script then
    reloads the page, which lists the new files or says why the build failed)."""
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    active, _finished, _failed = latest_builds(definition.slug)
    if active is None:
        return jsonify(active=False)
    return jsonify(active=True, text=progress_text(active), done=active.packets_done, total=active.packets_total,
                   notice=stalled_notice(active))


@organisers.post("/<campaign>/packets/")
@login_required
def build_packets(campaign):
    """Queue a build of every packet; a second one while a build waits or runs is refused (409)."""
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    if not ButtonForm().validate_on_submit():
        abort(400)
    build = queue_build(definition.slug, g.organiser)
    if build is None:
        return _page(definition, refused=True)
    # Packets name people: a build is an export, audited before any file exists.
    audit("export_packets", g.organiser, definition.slug, build=build.id)
    db.session.commit()
    return redirect(url_for("organisers.packets", campaign=definition.slug), code=303)


@organisers.get("/<campaign>/packets/<path:filename>")
@login_required
def packet(campaign, filename):
    """One finished packet of the newest build, as written by the worker."""
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    _active, finished, _failed = latest_builds(definition.slug)
    stream = _open(finished_file(finished, filename))
    audit("export_packet", g.organiser, definition.slug, packet=filename, build=finished.id)
    db.session.commit()
    return send_file(stream, mimetype="application/pdf", as_attachment=True, download_name=Path(filename).name,
                     conditional=False, etag=False, max_age=0)


@organisers.get("/<campaign>/packets.zip")
@login_required
def packets_zip(campaign):
    """Every packet of the newest build in the ZIP file the build made."""
    definition = campaign_for_organiser(campaign, applies=_with_packets)
    _active, finished, _failed = latest_builds(definition.slug)
    stream = _open(finished_zip(finished))
    audit("export_packets_zip", g.organiser, definition.slug, build=finished.id, packets=len(finished.files))
    db.session.commit()
    stamp = finished.generated_at.strftime("%Y%m%d-%H%M%S")
    return send_file(stream, mimetype="application/zip", as_attachment=True, conditional=False, etag=False,
                     max_age=0, download_name=f"{definition.slug}-packets-{stamp}.zip")
