"""Delivery packets: the PDFs organisers print and hand to each recipient.

`flask delivery build <campaign> [--out DIR] [--generated-at ISO] [--workers N]` writes them all; the dashboard
(organisers/packets.py) asks for a build, which `flask delivery work [--loop]` does in the background
(jobs.py), and serves its finished files. What each campaign delivers is in this package's
congress.py, xi.py, unhcr.py and coalition.py; packets show a signer's name, city, state or country
and district, never a street address, ZIP code or email.
"""
import os
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from ..audit import audit_command
from ..extensions import db
from ..worker_loop import run_until_stopped
from .build import build, has_packets, now_to_the_second


delivery_cli = AppGroup("delivery", help="Build the delivery packets (PDF) of a campaign.")


def _generated_at(value):
    if value is None:
        return now_to_the_second()
    moment = datetime.fromisoformat(value)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


@delivery_cli.command("build")
@click.argument("campaign")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to write to (default: instance/packets/<campaign>).")
@click.option("--generated-at", default=None,
              help="The time printed on the packets (ISO 8601, UTC if no offset); default now. "
                   "The same time and signatures give byte-identical files.")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="Processes drawing packets at once (default: the number of CPU cores).")
def build_command(campaign, out_dir, generated_at, workers):
    """Write the delivery packets of CAMPAIGN (congress, xi, unhcr, coalition)."""
    from ..campaigns import definitions

    by_slug = {definition.slug: definition for definition in definitions()}
    if campaign not in by_slug or not has_packets(campaign):
        raise click.UsageError(f"no packets for {campaign!r}; choose one of: "
                               + ", ".join(slug for slug in by_slug if has_packets(slug)))
    try:
        moment = _generated_at(generated_at)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--generated-at") from None
    out_dir = out_dir or Path(current_app.instance_path) / "packets" / campaign

    def progress(packets):
        with click.progressbar(packets, label="Writing packets", show_pos=True) as bar:
            yield from bar

    with current_app.test_request_context("/"):
        problems = []  # what could not be drawn: reported, never a reason to stop
        results = build(by_slug[campaign], out_dir, moment, progress, workers=workers or os.cpu_count() or 1,
                        report=problems)
        # Packets name people: the command line's exports are in the audit log like the dashboard's.
        audit_command("export_packets", campaign, packets=len(results), directory=str(out_dir))
        db.session.commit()
    click.echo(f"{len(results)} packets written to {out_dir} (generated at {moment.isoformat()}).")
    for line in problems:
        click.echo(line)


@delivery_cli.command("work")
@click.option("--loop", is_flag=True, help="Keep running: build what organisers ask for, then wait for more.")
@click.option("--interval", type=float, default=None, help="Seconds between polls (PACKET_BUILD_POLL_SECONDS).")
def work_command(loop, interval):
    """Build the packets organisers asked for on the dashboard, once or as a long-running worker."""
    from . import jobs

    if not loop:
        click.echo(f"{jobs.work()} build(s) worked on")
        return
    interval = current_app.config["PACKET_BUILD_POLL_SECONDS"] if interval is None else interval

    def build(should_stop):
        worked = jobs.work(should_stop=should_stop)
        return f"packet worker: {worked} build(s) worked on" if worked else None

    run_until_stopped("packet worker", interval, build, started=f"looking for builds every {interval:g}s",
                      # Finish the packet in hand, give the build back (the next worker resumes it), exit.
                      after_signal="stopping after the current packet")
