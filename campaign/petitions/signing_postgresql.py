"""Recording a signature on PostgreSQL in one statement: one round trip, one transaction.

The steps of petitions/signing.py (`_record_step_by_step`, which SQLite runs) as the parts of
one `WITH … INSERT`: whether the campaign is open, the signature's upsert, its consents, the
counter and the outbox row. The statement runs on its own connection in autocommit mode, so the
database sees one statement and no BEGIN or COMMIT: it is atomic by itself, and
`synchronous_commit` still makes the server wait for the disk before it answers. Its text is
the same for every campaign and signer, so psycopg has the server prepare it once per
connection (after its prepare_threshold uses) and then sends only the parameters. It goes to
psycopg with PostgreSQL's own placeholders ($1, $2 ...) through a RawCursor, which sends the
text as it is: with named ones psycopg parsed the text on every call, because it caches that
only for statements under 4,096 characters and this one is longer (129 µs a call against 4,
bench/README.md).

Both emails a submission may get (a confirmation, "you have already signed") are composed
before the statement from per-process renderings (mail/compose.py compose_shared), and the
statement keeps the one the outcome calls for, if any. The confirmation's link carries the new
reference: a new row has it, and a pending row takes it in the same statement whenever this
submission emails it.

Why one statement (bench/README.md has the profile): the step-by-step path costs nine round
trips (BEGIN, seven statements, COMMIT) and seven SQLAlchemy compilations; this costs one, and a repeat does exactly what a
first signature does in Python, so timing tells a stranger nothing (bench/signing_oracle.py).
"""
import json
import re

import psycopg
from flask import current_app

from ..extensions import db
from ..mail.compose import from_header, in_language
from ..mail.messages import AUTOMATIC, already_signed_email, confirmation_email
from ..mail.outbox import message_id
from ..models import SIGNATURE_COUNTED, SIGNATURE_PENDING
from .counting import CampaignClosed
from .signing import REPLACEABLE_WHILE_PENDING

# Every column the form may fill (a campaign that asks less gives NULL).
FORM_COLUMNS = ("first_name", "last_name", "email", "street_address", "district", "city", "region", "postal_code",
                "country", "letter_version")
_REPLACED = ",\n        ".join(
    f"{column} = CASE WHEN s.status = :pending THEN excluded.{column} ELSE s.{column} END"
    for column in REPLACEABLE_WHILE_PENDING)

# The resend window is open when the row's last email is older than :earliest (or there was
# none) and this submission has an address to write to: only then does a row take the new
# reference and email time, and only then is an email queued (may_email).
NAMED_STATEMENT = " ".join(f"""
WITH settings AS (
    SELECT closed, deadline FROM campaign_settings WHERE campaign = :campaign
), open_campaign AS (
    SELECT 1 WHERE NOT coalesce((SELECT closed FROM settings), false)
    AND coalesce(((coalesce((SELECT deadline FROM settings), CAST(:default_deadline AS date)) + 1)::timestamp
                  AT TIME ZONE :deadline_timezone) > :now, true)
), upserted AS (
    INSERT INTO signature AS s (campaign, identity_key, locale, source, created_at, status, email_key,
                           confirmation_sent_at, reference, name_withheld, {", ".join(FORM_COLUMNS)})
    SELECT :campaign, :identity_key, :locale, :source, :now, :status, :email_key,
           :email_sent_at, :reference, :name_withheld, {", ".join(":" + column for column in FORM_COLUMNS)}
    FROM open_campaign
    ON CONFLICT (campaign, identity_key) DO UPDATE SET
        {_REPLACED},
        reference = CASE WHEN s.status = :pending AND (s.confirmation_sent_at IS NULL OR s.confirmation_sent_at <= :earliest)
                              AND excluded.confirmation_sent_at IS NOT NULL THEN excluded.reference ELSE s.reference END,
        confirmation_sent_at = CASE WHEN (s.confirmation_sent_at IS NULL OR s.confirmation_sent_at <= :earliest)
                                         AND excluded.confirmation_sent_at IS NOT NULL
                                    THEN excluded.confirmation_sent_at ELSE s.confirmation_sent_at END
    RETURNING id, status, email_key, created_at = :now AND reference = :reference AS is_new,
              coalesce(confirmation_sent_at = :now, false) AS may_email
), replaceable AS (
    SELECT id FROM upserted WHERE is_new OR status = :pending
), dropped AS (
    DELETE FROM consent WHERE signature_id IN (SELECT id FROM replaceable)
), answers AS (
    INSERT INTO consent (signature_id, purpose, choice, wording_version, locale, given_at)
    SELECT replaceable.id, answer.purpose, answer.choice, answer.wording_version, :locale, :now
    FROM replaceable, unnest(CAST(:purposes AS varchar[]), CAST(:choices AS varchar[]),
                             CAST(:wording_versions AS varchar[])) AS answer(purpose, choice, wording_version)
), counter AS (
    INSERT INTO signature_counter (campaign, shard, count)
    SELECT :campaign, :shard, 1 FROM upserted WHERE is_new AND status = :counted
    ON CONFLICT (campaign, shard) DO UPDATE SET count = signature_counter.count + 1
), email_kind AS (
    SELECT id, CASE WHEN is_new AND :confirms_new_signer THEN 'confirm'
                    WHEN NOT is_new AND status = :pending THEN 'confirm'
                    WHEN NOT is_new AND (email_key = :email_key OR :identity_is_email) THEN 'already_signed'
               END AS kind
    FROM upserted WHERE may_email
), queued AS (
    INSERT INTO outbox (signature_id, campaign, kind, locale, to_address, from_address, subject, body_text,
                        body_html, headers, message_id, status, attempts, next_attempt_at, created_at)
    SELECT email_kind.id, :campaign, email_kind.kind, :locale, :email, :from_address, email.subject,
           email.body_text, email.body_html, :headers, :message_id, 'pending', 0, :now, :now
    FROM email_kind JOIN (VALUES ('confirm', CAST(:confirm_subject AS varchar), CAST(:confirm_text AS text),
                                  CAST(:confirm_html AS text)),
                                 ('already_signed', :already_subject, :already_text, :already_html))
         AS email(kind, subject, body_text, body_html) ON email.kind = email_kind.kind
)
SELECT is_new FROM upserted
""".split())  # one line: the statement as the server logs and pg_stat_statements show it

# :name -> $n, by SQLAlchemy's own rule for text() (so a cast such as ::timestamp is left alone);
# a name used twice is the same $n, as psycopg would have made it.
_NAMED = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
PARAMETER_NAMES = list(dict.fromkeys(_NAMED.findall(NAMED_STATEMENT)))
STATEMENT = _NAMED.sub(lambda match: f"${PARAMETER_NAMES.index(match.group(1)) + 1}", NAMED_STATEMENT)


def record_in_one_statement(submission):
    """petitions/signing.py record_signature on PostgreSQL. True for a new signature."""
    definition = submission.definition
    parameters = {
        "campaign": definition.slug, "identity_key": submission.key, "locale": submission.language,
        "source": submission.source, "now": submission.now,
        "status": SIGNATURE_PENDING if submission.pending else SIGNATURE_COUNTED,
        "pending": SIGNATURE_PENDING, "counted": SIGNATURE_COUNTED,
        "email_key": submission.email_key, "email_sent_at": submission.now if submission.email else None,
        "reference": submission.reference, "name_withheld": submission.withheld,
        **{column: submission.values.get(column) for column in FORM_COLUMNS},
        "earliest": submission.earliest_last_email(),
        "default_deadline": definition.deadline(current_app.config),
        "deadline_timezone": definition.deadline_timezone,
        "purposes": [answer.purpose for answer in submission.answers],
        "choices": [answer.choice for answer in submission.answers],
        "wording_versions": [answer.wording_version for answer in submission.answers],
        "shard": submission.counter_shard(),
        "confirms_new_signer": submission.confirms_new_signer, "identity_is_email": submission.identity_is_email,
        **_emails(submission),
    }
    unknown = set(submission.values) - set(FORM_COLUMNS)
    if unknown:  # a campaign added a column: it must be listed above, or it would be lost
        raise RuntimeError(f"signature columns not stored by the one-statement path: {sorted(unknown)}")
    # The session gives its connection (if it holds one, from reading the form's country list)
    # back to the pool first, so that a request never holds two: the pool is sized for one per thread.
    db.session.close()
    with db.engine.connect() as connection:
        driver = connection.connection.driver_connection
        driver.cursor_factory = psycopg.RawCursor  # this statement only: SQLAlchemy's own use named ones
        try:
            row = connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                STATEMENT, tuple(parameters[name] for name in PARAMETER_NAMES)).first()
        finally:
            driver.cursor_factory = psycopg.Cursor
    if row is None:
        raise CampaignClosed()
    return row.is_new


def _emails(submission):
    """Both emails this submission may get, in the page's language, for the statement to choose
    from; empty when there is no address to write to."""
    if not submission.email:
        blank = {"subject": "", "text": "", "html": ""}
        return {"email": None, "from_address": "", "headers": "{}", "message_id": message_id(),
                **{f"confirm_{part}": value for part, value in blank.items()},
                **{f"already_{part}": value for part, value in blank.items()}}
    definition = submission.definition
    with in_language(submission.language):
        confirm = confirmation_email(definition, submission.reference, counts=submission.pending)
        already = already_signed_email(definition)
        sender = from_header()
    return {"email": submission.email, "from_address": sender,
            "headers": json.dumps(AUTOMATIC, ensure_ascii=False), "message_id": message_id(),
            "confirm_subject": confirm.subject, "confirm_text": confirm.text, "confirm_html": confirm.html,
            "already_subject": already.subject, "already_text": already.text, "already_html": already.html}
