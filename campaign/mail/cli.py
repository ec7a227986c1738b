"""`flask outbox send|status|retry` and `flask mail update`."""
import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..audit import audit_command
from ..extensions import db
from ..models import OutboxMessage
from . import outbox
from .updates import AUDIENCES, queue_news, template_exists

log = logging.getLogger(__name__)

outbox_cli = AppGroup("outbox", help="Send the queued emails; inspect and requeue them.")
mail_cli = AppGroup("mail", help="Queue news emails to consenting signers.")


def _summary(report):
    return (f"sent {report.sent}, to retry {report.retried}, dead {report.dead}, unknown {report.unknown}"
            + (f", released {report.released}" if report.released else ""))


@outbox_cli.command("send")
@click.option("--loop", is_flag=True, help="Keep running: send what is due, then wait for more.")
@click.option("--interval", type=float, default=None, help="Seconds between polls (OUTBOX_POLL_SECONDS).")
def send_command(loop, interval):
    """Send the emails that are due over SMTP (MAIL_SERVER ...), once or as a long-running worker."""
    if not loop:
        report = outbox.drain()
        click.echo(_summary(report))
        return
    interval = current_app.config["OUTBOX_POLL_SECONDS"] if interval is None else interval
    stop = threading.Event()

    def request_stop(signum, _frame):
        # Finish the message in hand, give back the rest of the batch, exit.
        log.info("outbox worker: signal %s, stopping after the current message", signum)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    click.echo(f"outbox worker: sending every {interval:g}s via {current_app.config['MAIL_SERVER']}:"
               f"{current_app.config['MAIL_PORT']}; stop with SIGTERM or Ctrl+C")
    while not stop.is_set():
        try:
            report = outbox.drain(should_stop=stop.is_set)
            if report.claimed or report.unknown:
                click.echo(_summary(report))
        except SQLAlchemyError as error:
            # The database is restarting: try again later, with a fresh connection.
            log.warning("outbox worker: database unavailable (%s); retrying", error.__class__.__name__)
            db.session.rollback()
        finally:
            db.session.remove()
        stop.wait(interval)
    click.echo("outbox worker: stopped")


@outbox_cli.command("status")
def status_command():
    """Messages by state, and the latest failures."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status).order_by(OutboxMessage.status)
    ).all()
    if not rows:
        click.echo("the outbox is empty")
    for status, number in rows:
        click.echo(f"{status}: {number}")
    failures = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.kind, OutboxMessage.attempts,
               OutboxMessage.last_error)
        .where(OutboxMessage.status.in_((outbox.DEAD, outbox.UNKNOWN)))
        .order_by(OutboxMessage.id.desc()).limit(20)
    ).all()
    for row in failures:
        click.echo(f"  #{row.id} {row.status} {row.kind} after {row.attempts} attempt(s): {row.last_error}")


@outbox_cli.command("retry")
@click.option("--dead", "statuses", flag_value="dead", multiple=True, help="Requeue dead messages.")
@click.option("--unknown", "statuses", flag_value="unknown", multiple=True,
              help="Requeue messages that may already have been delivered (check first).")
@click.argument("ids", nargs=-1, type=int)
def retry_command(statuses, ids):
    """Requeue dead or unknown messages (all of them, or the IDS given)."""
    if not statuses:
        raise click.UsageError("say which: --dead and/or --unknown")
    click.echo(f"requeued {outbox.requeue(statuses, ids)} message(s)")


@mail_cli.command("update")
@click.argument("campaign")
@click.argument("template")
@click.option("--audience", type=click.Choice(AUDIENCES), default="petition", show_default=True,
              help="petition: everyone who accepted news about the petition; coalition: only those who "
                   "also accepted news about the coalition's work.")
def update_command(campaign, template, audience):
    """Queue email/updates/TEMPLATE to every counted signer of CAMPAIGN who accepted news.

    Each gets it in the language they signed in, with an unsubscribe link; running the same
    command again queues nothing twice. `flask outbox send` delivers them.
    """
    from ..campaigns import definitions

    by_slug = {definition.slug: definition for definition in definitions()}
    if campaign not in by_slug:
        raise click.BadParameter(f"one of {', '.join(by_slug)}", param_hint="CAMPAIGN")
    if not template_exists(template):
        raise click.BadParameter(f"campaign/templates/email/updates/{template}.txt and .html are needed",
                                 param_hint="TEMPLATE")
    queued, repeated = queue_news(by_slug[campaign], template, audience)
    # Emails to signers are in the audit log like the dashboard's actions (run again: audited again).
    audit_command("mail_update", campaign, template=template, audience=audience, queued=queued, repeated=repeated)
    db.session.commit()
    click.echo(f"queued {queued} email(s)" + (f"; {repeated} already queued before" if repeated else ""))
