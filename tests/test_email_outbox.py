"""The outbox worker against a real SMTP server: retries with backoff, dead letters, and no
message sent twice when a worker dies between claiming a message and marking it sent."""
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from campaign.extensions import db
from campaign.mail import outbox
from campaign.models import OutboxMessage, utcnow
from conftest import VALID_SIGNERS, sign
from email_support import SITE_URL, free_port, mail_app, mailbox, send_outbox  # noqa: F401

UNHCR_EMAIL = VALID_SIGNERS["unhcr"]["email"]
ROOT = Path(__file__).resolve().parent.parent


class Crash(BaseException):
    """The worker process dying (kill -9, power cut): nothing after it runs."""


def rows(app):
    with app.app_context():
        result = db.session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
        db.session.expunge_all()
        return result


def queue_emails(app, number=1):
    """Sign unhcr: each signer gets one email (the confirmation)."""
    client = app.test_client()
    for index in range(number):
        assert sign(client, "unhcr", email=f"signer{index}@example.org" if number > 1 else UNHCR_EMAIL,
                    updates="y").status_code == 303
    return rows(app)


def test_message_carries_its_row_identity_and_both_parts(mail_app, mailbox):
    app = mail_app()
    [row] = queue_emails(app)
    assert send_outbox(app).sent == 1
    [message] = mailbox.to(UNHCR_EMAIL)
    assert message["Message-ID"] == row.message_id
    assert message["Date"] and message["From"].addresses[0].addr_spec == "petitions@petitions.test"
    assert message.get_content_type() == "multipart/alternative"
    assert message["Auto-Submitted"] == "auto-generated"
    assert f"{SITE_URL}/en/unhcr/confirm/" in message.get_body(("plain",)).get_content()
    [sent] = rows(app)
    assert (sent.status, sent.attempts, sent.locked_until, sent.lease_token) == ("sent", 1, None, None)
    assert sent.sent_at is not None


def test_retry_after_smtp_failure_with_exponential_backoff(mail_app, mailbox):
    app = mail_app(OUTBOX_BACKOFF_SECONDS=30)
    queue_emails(app)
    mailbox.refuse_data = 2  # the server says "451 try again later" twice, then accepts
    start = utcnow()
    first = send_outbox(app, now=start)
    assert (first.sent, first.retried) == (0, 1) and mailbox.messages == []
    [row] = rows(app)
    assert (row.status, row.attempts) == ("pending", 1) and "451" in row.last_error
    assert timedelta(seconds=25) < row.next_attempt_at - start < timedelta(seconds=35)
    # Not due yet: nothing is tried.
    assert send_outbox(app, now=start + timedelta(seconds=10)).claimed == 0
    second = send_outbox(app, now=start + timedelta(seconds=31))
    assert second.retried == 1
    [row] = rows(app)
    assert timedelta(seconds=55) < row.next_attempt_at - utcnow() < timedelta(seconds=65)  # doubled
    third = send_outbox(app, now=start + timedelta(minutes=5))
    assert third.sent == 1 and len(mailbox.to(UNHCR_EMAIL)) == 1
    assert rows(app)[0].attempts == 3


def test_unreachable_server_then_reachable(make_app, mail_app, mailbox):
    down = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), SITE_URL=SITE_URL, OUTBOX_BACKOFF_SECONDS=0)
    queue_emails(down, number=3)
    report = send_outbox(down)
    # The first message finds the server down; the rest of the batch waits, uncounted.
    assert (report.retried, report.released, report.sent) == (1, 2, 0)
    assert [row.attempts for row in rows(down)] == [1, 0, 0]
    up = mail_app()
    assert send_outbox(up).sent == 3
    assert len(mailbox.messages) == 3


def test_dead_letter_after_the_last_attempt_and_requeue(mail_app, mailbox):
    app = mail_app(OUTBOX_MAX_ATTEMPTS=3, OUTBOX_BACKOFF_SECONDS=0)
    queue_emails(app)
    mailbox.refuse_data = 10
    for _ in range(3):
        send_outbox(app)
    [row] = rows(app)
    assert (row.status, row.attempts) == ("dead", 3)
    assert send_outbox(app).claimed == 0  # dead stays dead
    runner = app.test_cli_runner()
    status = runner.invoke(args=["outbox", "status"])
    assert "dead: 1" in status.output and "451" in status.output
    assert "requeued 1" in runner.invoke(args=["outbox", "retry", "--dead"]).output
    mailbox.refuse_data = 0
    assert send_outbox(app).sent == 1


def test_a_refused_recipient_is_dead_at_once(mail_app, mailbox):
    app = mail_app()
    queue_emails(app)
    mailbox.refuse_recipients.add(UNHCR_EMAIL)
    assert send_outbox(app).dead == 1
    assert rows(app)[0].status == "dead" and "550" in rows(app)[0].last_error


def test_no_duplicate_send_after_a_crash_between_claim_and_mark(mail_app, mailbox, monkeypatch):
    app = mail_app(OUTBOX_LEASE_SECONDS=60)
    queue_emails(app)
    real_mark_sent = outbox.mark_sent

    def die_before_marking(row):
        raise Crash()

    monkeypatch.setattr(outbox, "mark_sent", die_before_marking)
    start = utcnow()
    with pytest.raises(Crash):
        send_outbox(app, now=start)
    assert len(mailbox.messages) == 1  # the server accepted it ...
    assert rows(app)[0].status == "sending"  # ... and the worker died before saying so
    monkeypatch.setattr(outbox, "mark_sent", real_mark_sent)

    # A restarted worker, while the dead one's lease still runs: leaves it alone.
    assert send_outbox(app, now=start + timedelta(seconds=30)).claimed == 0
    # After the lease: it may have gone out, so it is set aside, never sent again.
    report = send_outbox(app, now=start + timedelta(seconds=61))
    assert (report.unknown, report.claimed) == (1, 0)
    for minutes in (5, 60, 600):
        send_outbox(app, now=start + timedelta(minutes=minutes))
    assert len(mailbox.messages) == 1
    assert rows(app)[0].status == "unknown"
    assert "unknown: 1" in app.test_cli_runner().invoke(args=["outbox", "status"]).output


def test_a_crash_after_claiming_but_before_sending_is_retried_once(mail_app, mailbox, monkeypatch):
    app = mail_app(OUTBOX_LEASE_SECONDS=60)
    queue_emails(app)
    real_begin = outbox.begin_sending

    def die_before_sending(*args):
        raise Crash()

    monkeypatch.setattr(outbox, "begin_sending", die_before_sending)
    start = utcnow()
    with pytest.raises(Crash):
        send_outbox(app, now=start)
    monkeypatch.setattr(outbox, "begin_sending", real_begin)
    assert mailbox.messages == [] and rows(app)[0].status == "pending"
    assert send_outbox(app, now=start + timedelta(seconds=30)).claimed == 0  # still leased
    assert send_outbox(app, now=start + timedelta(seconds=61)).sent == 1
    send_outbox(app, now=start + timedelta(minutes=10))
    assert len(mailbox.messages) == 1


def test_a_connection_lost_during_data_is_never_resent(mail_app, mailbox, monkeypatch):
    """The server may have the message when the connection drops mid-DATA: at most once."""
    import smtplib

    app = mail_app(OUTBOX_BACKOFF_SECONDS=0)
    queue_emails(app)
    real_data = smtplib.SMTP.data

    def data_then_drop(self, message):
        real_data(self, message)
        raise smtplib.SMTPServerDisconnected("connection lost after the final dot")

    monkeypatch.setattr(smtplib.SMTP, "data", data_then_drop)
    assert send_outbox(app).unknown == 1
    monkeypatch.setattr(smtplib.SMTP, "data", real_data)
    send_outbox(app)
    assert len(mailbox.messages) == 1 and rows(app)[0].status == "unknown"


def test_two_workers_never_send_the_same_message(mail_app, mailbox):
    app = mail_app(OUTBOX_BATCH_SIZE=3)
    queue_emails(app, number=12)
    barrier = threading.Barrier(3)
    reports = []

    def worker():
        barrier.wait()
        reports.append(send_outbox(app))

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ids = [message["Message-ID"] for _sender, _to, message in mailbox.messages]
    assert len(ids) == len(set(ids)) == 12
    assert sum(report.sent for report in reports) == 12
    assert {row.status for row in rows(app)} == {"sent"}


def test_an_erased_message_is_skipped_by_a_worker_that_had_claimed_it(mail_app, mailbox):
    app = mail_app()
    queue_emails(app)
    with app.app_context():
        token, ids = outbox.claim(utcnow(), 10, 60)
        db.session.query(OutboxMessage).delete()  # `flask privacy erase` meanwhile
        db.session.commit()
        assert outbox.begin_sending(ids[0], token, 60) is None
    assert mailbox.messages == []


def test_worker_runs_as_a_long_running_process_and_stops_cleanly(mail_app, mailbox, migrated_database):
    """`flask outbox send --loop` as production runs it: sends what arrives, stops on SIGTERM."""
    app = mail_app()
    queue_emails(app)
    env = {**os.environ, "DATABASE_URL": migrated_database, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(mailbox.port), "SITE_URL": SITE_URL, "MAIL_FROM": "petitions@petitions.test"}
    worker = subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "outbox", "send",
                               "--loop", "--interval", "0.2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 20
        while not mailbox.messages and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert len(mailbox.messages) == 1
        # A second message arrives while it runs.
        sign(app.test_client(), "unhcr", email="later@example.org", updates="y")
        while len(mailbox.messages) < 2 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.05)
        assert len(mailbox.messages) == 2
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=20)
    assert worker.returncode == 0, output
    assert "stopped" in output
    assert {row.status for row in rows(app)} == {"sent"}


def test_send_once_from_the_command_line(mail_app, mailbox):
    app = mail_app()
    queue_emails(app, number=2)
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent 2" in result.output
    assert len(mailbox.messages) == 2
