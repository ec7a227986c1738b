"""`flask outbox send|status|retry` and `flask mail update`."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from ..audit import audit_command
from ..extensions import db
from ..models import OutboxMessage
from ..worker_loop import run_until_stopped
from . import outbox
from .updates import AUDIENCES, count_readers, queue_news, template_exists


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

    def send(should_stop):
        report = outbox.drain(should_stop=should_stop)
        return _summary(report) if report.claimed or report.unknown else None

    run_until_stopped("outbox worker", interval, send,
                      started=f"sending every {interval:g}s via {current_app.config['MAIL_SERVER']}:"
                              f"{current_app.config['MAIL_PORT']}",
                      # Finish the message in hand, give back the rest of the batch, exit.
                      after_signal="stopping after the current message")


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


# What becomes of signers the weekly limit leaves out: an update is sent once, so never; a
# template is queued again by a later run, which reaches them once their week has passed.
NEVER = "they will not get this update"
LATER = "a run after their 7 days queues it to them"


def _readers_line(readers_by_language, capped, fate):
    parts = [f"{tag}: {number}" for tag, number in sorted(readers_by_language.items())] or ["nobody"]
    line = "readers by language: " + ", ".join(parts)
    if capped:
        line += (f"; left out by the weekly limit (UPDATES_MAX_PER_WEEK={current_app.config['UPDATES_MAX_PER_WEEK']}):"
                 f" {capped} ({fate})")
    return line


def _read_texts(pairs):
    """--text LANG=FILE ...: {language: (subject, body)}; a file's first line is its subject."""
    from .. import i18n

    texts = {}
    for pair in pairs:
        tag, found, path = pair.partition("=")
        if not found or tag not in i18n.languages():
            raise click.BadParameter(f"LANG=FILE with LANG one of {', '.join(i18n.languages())}", param_hint="--text")
        try:
            with open(path, encoding="utf-8") as handle:
                subject, _newline, body = handle.read().lstrip("\ufeff").partition("\n")
        except (OSError, UnicodeDecodeError) as error:
            raise click.BadParameter(f"{path}: {error}", param_hint="--text") from None
        texts[tag] = (subject, body)
    return texts


def _send_written(definition, news, dry_run):
    from .news import count_news_readers, send_news

    if news.sent_at is not None:
        click.echo(f"update {news.id} was sent on {news.sent_at:%Y-%m-%d %H:%M} UTC; nothing queued")
        return
    readers = count_news_readers(definition, news)
    click.echo(_readers_line(readers.by_language, readers.capped, NEVER))
    if dry_run:
        click.echo("dry run: nothing queued")
        return
    report = send_news(definition, news)
    if report is None:
        click.echo(f"update {news.id} was sent meanwhile; nothing queued")
        return
    audit_command("news_send", definition.slug, update=news.id, audience=news.audience, place=news.audience_value,
                  queued=report.queued, capped=report.capped, languages=dict(sorted(report.by_language.items())))
    db.session.commit()
    click.echo(f"queued {report.queued} email(s) for update {news.id}"
               + (f"; {report.capped} left out by the weekly limit ({NEVER})" if report.capped else ""))


@mail_cli.command("update")
@click.argument("campaign")
@click.argument("template", required=False)
@click.option("--audience", type=click.Choice(AUDIENCES), default="petition", show_default=True,
              help="With TEMPLATE. petition: everyone who accepted news about the petition; coalition: only those "
                   "who also accepted news about the coalition's work.")
@click.option("--update", "update_id", type=int, help="Send the update with this number (written on the dashboard).")
@click.option("--text", "texts", multiple=True, metavar="LANG=FILE",
              help="Write a new update: one file per language (en required), its first line the subject, the "
                   "rest the text. Repeat for each language.")
@click.option("--to", "to", default="campaign", show_default=True, metavar="AUDIENCE",
              help="With --text: campaign, state:CA or district:CA-40 (congress), country:DE (xi, unhcr).")
@click.option("--draft", is_flag=True, help="With --text: save the update for the dashboard, send nothing.")
@click.option("--dry-run", is_flag=True, help="Count the readers per language; change nothing.")
def update_command(campaign, template, audience, update_id, texts, to, draft, dry_run):
    """Queue news to every counted signer of CAMPAIGN with a confirmed address who accepted news.

    Three ways: TEMPLATE (email/updates/TEMPLATE.txt and .html); --update ID (an update written
    on the dashboard); --text LANG=FILE ... (a new update from files, sent at once unless
    --draft). Each signer gets it in the language they signed in (an update without a text in
    that language: the English one, marked), with an unsubscribe link, and at most
    UPDATES_MAX_PER_WEEK news emails in any 7 days. Nothing is queued twice for a signer, and
    an update is sent once. `flask outbox send` delivers them.
    """
    from ..campaigns import definitions
    from ..models import CampaignUpdate
    from .news import NewsError, checked_audience, checked_texts, save_news

    by_slug = {definition.slug: definition for definition in definitions()}
    if campaign not in by_slug:
        raise click.BadParameter(f"one of {', '.join(by_slug)}", param_hint="CAMPAIGN")
    definition = by_slug[campaign]
    if sum(bool(way) for way in (template, update_id, texts)) != 1:
        raise click.UsageError("say which news: TEMPLATE, --update ID or --text LANG=FILE")
    if definition.updates_consent is None:
        raise click.BadParameter(f"{campaign} sends no news (its signers were never asked)", param_hint="CAMPAIGN")
    if update_id:
        news = db.session.get(CampaignUpdate, update_id)
        if news is None or news.campaign != campaign:
            raise click.BadParameter(f"{campaign} has no update {update_id}", param_hint="--update")
        _send_written(definition, news, dry_run)
        return
    if texts:
        kind, _colon, place = to.partition(":")
        try:
            audience_value = checked_audience(definition, kind, place)
            checked = checked_texts(_read_texts(texts))
        except NewsError as error:
            raise click.BadParameter(str(error.message)
                                     + (f" ({error.language})" if error.language else "")) from None
        if dry_run:
            # Counted on an update that is never committed: the dry run changes nothing.
            news, _changed = save_news(definition, None, audience_value, checked)
            _send_written(definition, news, dry_run=True)
            db.session.rollback()
            return
        news, _changed = save_news(definition, None, audience_value, checked)
        audit_command("news_create", campaign, update=news.id, audience=news.audience, place=news.audience_value,
                      languages=sorted(checked))
        db.session.commit()
        click.echo(f"saved update {news.id}")
        if not draft:
            _send_written(definition, news, dry_run=False)
        return
    if not template_exists(template):
        raise click.BadParameter(f"campaign/templates/email/updates/{template}.txt and .html are needed",
                                 param_hint="TEMPLATE")
    if dry_run:
        readers = count_readers(definition, f"update:{template}", audience=audience)
        click.echo(_readers_line(readers.by_language, readers.capped, LATER) + "\ndry run: nothing queued")
        return
    report = queue_news(definition, template, audience)
    # Emails to signers are in the audit log like the dashboard's actions (run again: audited again).
    audit_command("mail_update", campaign, template=template, audience=audience, queued=report.queued,
                  repeated=report.repeated, capped=report.capped)
    db.session.commit()
    summary = f"queued {report.queued} email(s)"
    if report.repeated:
        summary += f"; {report.repeated} already queued before"
    if report.capped:
        summary += f"; {report.capped} left out by the weekly limit ({LATER})"
    click.echo(summary)
