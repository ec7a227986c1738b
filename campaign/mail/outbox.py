"""The outbox: emails queued in the database with what they are about, sent later by a worker.

Queueing (`enqueue`) adds a row to the caller's transaction, so a signature and its email
commit together or not at all, and no signer ever waits on SMTP.

Sending (`send_due`, run by `flask outbox send [--loop]`), for each due message:

1. **claim** a batch: one short transaction sets `locked_until` (a lease) and a `lease_token`
   and counts the attempt. On PostgreSQL the rows are picked with `SELECT … FOR UPDATE SKIP
   LOCKED`, so several workers share the queue without waiting on each other; every claim is
   also a compare-and-set on the lease, which keeps it right on SQLite, where one worker is
   the supported set-up (SQLite has one writer at a time anyway).
2. **sending**: its own commit marks the one message we are about to hand over, only if our
   lease token still holds it.
3. SMTP: MAIL, RCPT, DATA.
4. **sent**: its own commit, right after the server accepted the DATA.

Delivery guarantee: **at most once** for a message whose fate we cannot know, **with retries**
for every failure we can see. SMTP has no way to ask a server "did you take message X?", so
there is one window that no design closes: between the server's 250 after DATA and our
commit of step 4. A worker killed there (or a connection that drops while the server is
reading DATA) leaves the message in `sending`; its lease expires and the next run moves it to
`unknown`, which is never resent automatically. We chose that side on purpose: the issue
asks that nothing is sent twice, and a lost email here is recoverable by the signer (a repeat
signature or an expired link sends a new confirmation, rate-limited) or by an operator who
checks and runs `flask outbox retry --unknown`. Any failure *before* the message was handed
over — the worker killed after the claim but before step 2, a refused connection, a 4xx, a
timeout before DATA — leaves the message safely retryable: it goes back to `pending` with
exponential backoff (OUTBOX_BACKOFF_SECONDS doubling up to OUTBOX_BACKOFF_MAX_SECONDS), and
after OUTBOX_MAX_ATTEMPTS attempts to `dead`. A recipient refused with a 5xx goes to `dead` at
once: retrying cannot help. Each row keeps one Message-ID for its whole life, so even an
operator's manual resend is recognisable as the same message by receiving systems.

A worker asked to stop (SIGTERM, Ctrl+C) finishes the message in hand, releases the rest of
its batch and exits, so an ordinary restart never creates an `unknown`.
"""
import json
import logging
import secrets
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import formatdate, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..log_redaction import redact_emails
from ..models import OutboxMessage, utcnow
from ..petitions.upsert import insert_for_dialect

log = logging.getLogger(__name__)

PENDING, SENDING, SENT, DEAD, UNKNOWN = "pending", "sending", "sent", "dead", "unknown"


# --- queueing --------------------------------------------------------------------------------------

def message_id(domain=None):
    domain = domain or message_id_domain()
    return f"<{secrets.token_hex(16)}@{domain}>"


def message_id_domain():
    return parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"


def enqueue(signature, kind, composed, from_address, headers=None, dedupe_key=None, to_address=None, locale=None):
    """Queue `composed` for `signature` in the current transaction (the caller commits).

    It goes to the signature's address in its language unless `to_address` and `locale` say
    otherwise (an answer to a repeat goes to the address just typed, in the page's language).
    With a `dedupe_key`, queueing the same message twice queues it once. Returns True when
    a row was added.
    """
    now = utcnow()
    values = dict(
        signature_id=signature.id, campaign=signature.campaign, kind=kind, dedupe_key=dedupe_key,
        locale=locale or signature.locale, to_address=to_address or signature.email, from_address=from_address,
        subject=composed.subject, body_text=composed.text, body_html=composed.html,
        headers=json.dumps(headers or {}, ensure_ascii=False), message_id=message_id(), status=PENDING,
        attempts=0, next_attempt_at=now, created_at=now,
    )
    statement = insert_for_dialect(OutboxMessage).values(**values)
    if dedupe_key:
        statement = statement.on_conflict_do_nothing(index_elements=["dedupe_key"])
    return db.session.execute(statement.returning(OutboxMessage.id)).scalar() is not None


def enqueue_many(messages):
    """Queue many messages in the current transaction (news to thousands of signers): each is a
    dict of enqueue's values (signature_id, campaign, kind, dedupe_key, locale, to_address,
    from_address, subject, body_text, body_html, headers). A message whose dedupe_key is
    already queued is skipped, as in enqueue. Returns the messages added."""
    if not messages:
        return []
    # The keys already queued, in one query: the rest go in as one executemany (one statement
    # prepared once; RETURNING would make the driver parse a statement of every row's values).
    # ON CONFLICT still guards against a writer that queued the same key meanwhile.
    keys = [message["dedupe_key"] for message in messages]
    queued = set(db.session.execute(select(OutboxMessage.dedupe_key)
                                    .where(OutboxMessage.dedupe_key.in_(keys))).scalars())
    new = [message for message in messages if message["dedupe_key"] not in queued]
    if not new:
        return []
    now, domain = utcnow(), message_id_domain()
    rows = [{**message, "headers": json.dumps(message.get("headers") or {}, ensure_ascii=False),
             "message_id": message_id(domain), "status": PENDING, "attempts": 0, "next_attempt_at": now,
             "created_at": now} for message in new]
    statement = insert_for_dialect(OutboxMessage.__table__).on_conflict_do_nothing(index_elements=["dedupe_key"])
    db.session.connection().execute(statement, rows)
    return new


# --- SMTP ------------------------------------------------------------------------------------------

class TemporaryFailure(Exception):
    """Not accepted, and worth trying again later."""


class ConnectionFailure(TemporaryFailure):
    """The server could not be reached at all: the rest of the batch would fail the same way."""


class PermanentFailure(Exception):
    """Not accepted, and never will be (the recipient was refused)."""


class AmbiguousFailure(Exception):
    """The server may have accepted the message: never resent automatically."""


def build_message(row):
    """The MIME message of an outbox row, with the row's own Message-ID."""
    # Only a non-ASCII *address* needs SMTPUTF8; display names and subjects are RFC 2047-encoded.
    international = not (row.to_address.isascii() and parseaddr(row.from_address)[1].isascii())
    message = EmailMessage(policy=SMTPUTF8 if international else SMTP)
    message["From"] = row.from_address
    message["To"] = row.to_address
    message["Subject"] = row.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = row.message_id
    for name, value in json.loads(row.headers or "{}").items():
        message[name] = value
    message.set_content(row.body_text, cte="quoted-printable")
    message.add_alternative(row.body_html, subtype="html", cte="quoted-printable")
    message["Content-Language"] = row.locale  # after set_content, which clears Content-* headers
    return message, international


class SmtpTransport:
    """One SMTP connection, opened on first use and reopened after an error."""

    def __init__(self, config):
        self.config = config
        self.connection = None

    def _connect(self):
        config = self.config
        try:
            if config["MAIL_USE_SSL"]:
                connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"],
                                              timeout=config["MAIL_TIMEOUT"], context=ssl.create_default_context())
            else:
                connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
            connection.ehlo()
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        except (OSError, smtplib.SMTPException) as error:
            raise ConnectionFailure(f"connecting to {config['MAIL_SERVER']}:{config['MAIL_PORT']}: {error!r}") from error
        return connection

    def deliver(self, row):
        """Hand one message over. Returns when the server accepted it; raises one of the failures."""
        message, international = build_message(row)
        sender = parseaddr(row.from_address)[1]
        if self.connection is None:
            self.connection = self._connect()
        connection = self.connection
        options = []
        if international:
            if not connection.has_extn("smtputf8"):
                raise PermanentFailure("the address needs SMTPUTF8, which the server does not offer")
            options = ["SMTPUTF8", "BODY=8BITMIME"]
        try:
            code, reply = connection.mail(sender, options)
            if code != 250:
                self._reset()
                raise TemporaryFailure(f"MAIL FROM refused: {code} {reply!r}")
            code, reply = connection.rcpt(row.to_address)
            if code not in (250, 251):
                self._reset()
                failure = PermanentFailure if 500 <= code < 600 else TemporaryFailure
                raise failure(f"RCPT TO refused: {code} {reply!r}")
        except (OSError, smtplib.SMTPException) as error:
            # Before DATA: the server cannot have taken the message.
            self.close()
            raise TemporaryFailure(f"before DATA: {error!r}") from error
        try:
            code, reply = connection.data(message.as_bytes())
        except smtplib.SMTPDataError as error:
            # The server answered DATA with a refusal: it did not take the message.
            self._reset()
            failure = PermanentFailure if 500 <= error.smtp_code < 600 else TemporaryFailure
            raise failure(f"DATA refused: {error.smtp_code} {error.smtp_error!r}") from error
        except (OSError, smtplib.SMTPException) as error:
            # Lost while the server read the message or before its answer: it may have it.
            self.close()
            raise AmbiguousFailure(f"during DATA: {error!r}") from error
        if code != 250:
            self._reset()
            failure = PermanentFailure if 500 <= code < 600 else TemporaryFailure
            raise failure(f"message refused: {code} {reply!r}")

    def _reset(self):
        try:
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self.close()

    def close(self):
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()


# --- the worker ------------------------------------------------------------------------------------

@dataclass
class Report:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    dead: int = 0
    unknown: int = 0
    released: int = 0
    errors: list = field(default_factory=list)

    def add(self, other):
        for name in ("claimed", "sent", "retried", "dead", "unknown", "released"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)

    @property
    def progressed(self):
        return self.sent + self.dead + self.unknown > 0


def backoff(attempts, config):
    """Seconds before attempt number `attempts + 1`: base, 2 × base, 4 × base … up to the maximum."""
    base = config["OUTBOX_BACKOFF_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), config["OUTBOX_BACKOFF_MAX_SECONDS"])


def mark_lost_in_flight(now):
    """Messages whose worker died while handing them over: may have gone out, so never resend."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.locked_until < now)
        .values(status=UNKNOWN, locked_until=None, lease_token=None,
                last_error="the worker stopped while sending; it may have been delivered")
    )
    db.session.commit()
    if result.rowcount:
        log.warning("outbox: %d message(s) in an unknown state after a worker stopped mid-send; "
                    "not resent (see `flask outbox status`)", result.rowcount)
    return result.rowcount


def claim(now, limit, lease_seconds):
    """Lease up to `limit` due messages to this worker; returns (token, ids) after committing."""
    token = secrets.token_hex(16)
    due = (OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now,
           or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))
    candidates = select(OutboxMessage.id).where(*due).order_by(OutboxMessage.next_attempt_at, OutboxMessage.id) \
        .limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = db.session.execute(candidates).scalars().all()
    if not ids:
        db.session.rollback()
        return token, []
    # Compare-and-set: a row another worker leased meanwhile no longer matches `due`.
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(ids), *due)
        .values(locked_until=now + timedelta(seconds=lease_seconds), lease_token=token,
                attempts=OutboxMessage.attempts + 1)
    )
    claimed = db.session.execute(
        select(OutboxMessage.id).where(OutboxMessage.lease_token == token).order_by(OutboxMessage.id)
    ).scalars().all()
    db.session.commit()
    return token, claimed


def begin_sending(message_id_, token, lease_seconds):
    """Step 2: mark one leased message `sending` in its own commit; None if it is no longer ours."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id_, OutboxMessage.lease_token == token, OutboxMessage.status == PENDING)
        .values(status=SENDING, locked_until=now + timedelta(seconds=lease_seconds))
    )
    if result.rowcount != 1:
        db.session.rollback()
        return None
    db.session.commit()
    row = db.session.get(OutboxMessage, message_id_)
    if row is not None:
        db.session.expunge(row)  # a detached copy: nothing to flush, nothing refreshed by accident
    return row


def mark_sent(row):
    """Step 4, in its own commit right after the server's 250. Also from `unknown`: it was sent."""
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status.in_((SENDING, UNKNOWN)))
        .values(status=SENT, sent_at=utcnow(), locked_until=None, lease_token=None, last_error=None)
    )
    db.session.commit()


def mark_failed(row, status, error, next_attempt_at=None):
    # SMTP replies quote the recipient ("550 <minji@…> unknown"): `flask outbox status` shows this.
    values = dict(status=status, locked_until=None, lease_token=None, last_error=redact_emails(str(error))[:500])
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row.id, OutboxMessage.status == SENDING).values(**values))
    db.session.commit()


def release(ids, token):
    """Give back messages leased but not yet sending (the worker is stopping): not an attempt."""
    if not ids:
        return 0
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.lease_token == token, OutboxMessage.status == PENDING)
        .values(locked_until=None, lease_token=None, attempts=OutboxMessage.attempts - 1)
    )
    db.session.commit()
    return result.rowcount


def send_due(transport=None, now=None, should_stop=lambda: False):
    """Claim one batch of due messages and try each once. Returns a Report."""
    config = current_app.config
    now = now or utcnow()
    report = Report()
    report.unknown += mark_lost_in_flight(now)
    token, ids = claim(now, config["OUTBOX_BATCH_SIZE"], config["OUTBOX_LEASE_SECONDS"])
    report.claimed = len(ids)
    if not ids:
        return report
    own_transport = transport is None
    transport = transport or SmtpTransport(config)
    try:
        for index, message_id_ in enumerate(ids):
            if should_stop():
                report.released += release(ids[index:], token)
                break
            row = begin_sending(message_id_, token, config["OUTBOX_LEASE_SECONDS"])
            if row is None:
                continue  # erased, or the lease passed to another worker
            if not _attempt(transport, row, config, report):
                # The server is unreachable: leave the rest for the next run, uncounted.
                report.released += release(ids[index + 1:], token)
                break
    finally:
        if own_transport:
            transport.close()
    return report


def _attempt(transport, row, config, report):
    """Try one message; False when the server could not be reached at all."""
    try:
        transport.deliver(row)
    except AmbiguousFailure as error:
        log.warning("outbox: message %s may or may not have been delivered: %s", row.id, error)
        mark_failed(row, UNKNOWN, error)
        report.unknown += 1
        report.errors.append(str(error))
    except PermanentFailure as error:
        log.warning("outbox: message %s refused for good: %s", row.id, error)
        mark_failed(row, DEAD, error)
        report.dead += 1
        report.errors.append(str(error))
    except TemporaryFailure as error:
        report.errors.append(str(error))
        if row.attempts >= config["OUTBOX_MAX_ATTEMPTS"]:
            log.error("outbox: message %s dead after %d attempts: %s", row.id, row.attempts, error)
            mark_failed(row, DEAD, error)
            report.dead += 1
        else:
            delay = backoff(row.attempts, config)
            log.info("outbox: message %s not sent (attempt %d), retry in %ss: %s", row.id, row.attempts, delay, error)
            mark_failed(row, PENDING, error, next_attempt_at=utcnow() + timedelta(seconds=delay))
            report.retried += 1
        return not isinstance(error, ConnectionFailure)
    else:
        mark_sent(row)
        report.sent += 1
    return True


def drain(transport=None, now=None, should_stop=lambda: False):
    """Send batches until nothing due is left (or a whole batch made no progress)."""
    total = Report()
    batch_size = current_app.config["OUTBOX_BATCH_SIZE"]
    while not should_stop():
        report = send_due(transport=transport, now=now, should_stop=should_stop)
        total.add(report)
        if report.claimed < batch_size or not report.progressed:
            break
    return total


def requeue(statuses, ids=()):
    """An operator's decision: send `dead` or `unknown` messages again (same Message-ID)."""
    query = update(OutboxMessage).where(OutboxMessage.status.in_(statuses))
    if ids:
        query = query.where(OutboxMessage.id.in_(ids))
    result = db.session.execute(query.values(status=PENDING, attempts=0, next_attempt_at=utcnow(),
                                             locked_until=None, lease_token=None))
    db.session.commit()
    return result.rowcount
