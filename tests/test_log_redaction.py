"""No email address reaches a log line or the outbox's last_error, whoever logs it: the app, a
library, an exception's traceback, an SMTP server quoting the recipient back."""
import logging

import pytest

from campaign.log_redaction import REDACTED, redact_emails
from sqlalchemy import select

from campaign.extensions import db
from campaign.models import OutboxMessage
from conftest import VALID_SIGNERS, sign
from email_support import mail_app, mailbox, send_outbox  # noqa: F401  (fixtures)

ADDRESS = VALID_SIGNERS["unhcr"]["email"]


@pytest.mark.parametrize("text", [
    "550 5.1.1 <jiwoo@example.org>: Recipient address rejected",
    "RCPT TO refused: 550 b'5.1.1 Jiwoo.Lee+petition@Mail.Example.ORG unknown'",
    'to "민지@예시.한국" failed',
    "(jiwoo@example.org, other@example.co.uk)",
])
def test_addresses_are_redacted(text):
    redacted = redact_emails(text)
    assert "@" not in redacted and REDACTED in redacted


def test_text_without_addresses_is_kept():
    text = "outbox: message 12 not sent (attempt 2), retry in 60s: 451 4.3.0 try later"
    assert redact_emails(text) == text


def test_every_logger_and_traceback_is_redacted(app, caplog):
    """The attack on the logs: one SMTP refusal and the hosting dashboard holds a signer's address."""
    caplog.set_level(logging.DEBUG)
    app.logger.warning("refused %s", ADDRESS)
    logging.getLogger("some.library.deep.down").error("to <%s>: %r", ADDRESS, {"to": ADDRESS})
    try:
        raise ValueError(f"bad recipient {ADDRESS}")
    except ValueError:
        logging.getLogger("campaign.mail.outbox").exception("sending failed")
    handler_output = logging.Formatter("%(message)s").format
    lines = [handler_output(record) for record in caplog.records]
    assert len(lines) == 3
    for line in lines:
        assert ADDRESS not in line and REDACTED in line
    assert "ValueError: bad recipient " + REDACTED in lines[2]


def test_smtp_refusal_is_stored_and_logged_without_the_address(mail_app, mailbox, caplog):  # noqa: F811
    caplog.set_level(logging.INFO)
    app = mail_app()
    assert sign(app.test_client(), "unhcr").status_code == 303  # an email to ADDRESS is queued

    async def refuse_quoting_the_address(server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"  # as Postfix answers

    mailbox.handle_RCPT = refuse_quoting_the_address
    assert send_outbox(app).dead == 1
    with app.app_context():
        [row] = db.session.scalars(select(OutboxMessage)).all()
    assert "550" in row.last_error and ADDRESS not in row.last_error
    assert caplog.records and ADDRESS not in caplog.text
    status = app.test_cli_runner().invoke(args=["outbox", "status"]).output
    assert "550" in status and ADDRESS not in status
