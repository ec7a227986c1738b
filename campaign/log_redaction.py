"""Email addresses never reach a log line.

A signer's address can turn up in any message: an SMTP server's refusal ("550 <minji@…>: no such
user"), a database error quoting a row, an exception from a library. Logs are copied to places
(hosting dashboards, log services, support tickets) where a list of who signed must never be, so
every record is redacted when it is made, whichever logger made it and whichever handler writes it.

install() wraps the process's log record factory (logging.setLogRecordFactory) rather than adding a
logging.Filter to some loggers or handlers: a filter on a logger misses its children's records, and
a filter on a handler misses handlers added later (gunicorn's, a test's).
"""
import logging
import re

REDACTED = "[email address]"

# Anything shaped like local@domain.tld, including non-ASCII (IDN, SMTPUTF8) addresses and the
# quoted forms servers echo back (<a@b.example>, "a@b.example").
EMAIL = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+\.[^\s<>()\[\]\"',;:@.]+")


def redact_emails(text):
    """`text` with every email address replaced by a marker."""
    return EMAIL.sub(REDACTED, text) if "@" in text else text


def _redact_record(record):
    """Format the record's message now (it may quote an address in its arguments), and the
    traceback of an exception it carries, each without addresses."""
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it when the record is written
        return record
    record.msg, record.args = redact_emails(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = redact_emails(logging.Formatter().formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact_emails(record.stack_info)
    return record


def install():
    """Redact every log record made in this process from now on (idempotent)."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts_emails", False):
        return

    def make_record(*args, **kwargs):
        return _redact_record(current(*args, **kwargs))

    make_record.redacts_emails = True
    logging.setLogRecordFactory(make_record)
