"""Organiser sessions kept on the server, so that sign-out, `flask users disable` and
`flask users set-password` end every copy of a session cookie.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00

Hand-checked. A new table: sessions signed in before this revision end (their cookies carry no
session id), and their organisers sign in again. And a data step: email addresses that SMTP
servers quoted into outbox.last_error before campaign/log_redaction.py existed are redacted the
same way (its pattern is copied here: a migration does not change when the app's code does),
and `login_failed` rows forget an "address" that is not shaped like one: it may be a password
typed into the wrong box (sign-in now stores only email-shaped addresses).
"""
import json
import re

import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

EMAIL = re.compile(r"[^\s<>()\[\]\"',;:@]+@[^\s<>()\[\]\"',;:@]+\.[^\s<>()\[\]\"',;:@.]+")
REDACTED = "[email address]"


def upgrade():
    op.create_table('organiser_session',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash')
    )
    op.create_index(op.f('ix_organiser_session_user_id'), 'organiser_session', ['user_id'], unique=False)
    _redact_outbox_errors()
    _forget_typed_passwords()


def _redact_outbox_errors():
    outbox = sa.table('outbox', sa.column('id', sa.BigInteger()), sa.column('last_error', sa.String()))
    connection = op.get_bind()
    quoted = connection.execute(sa.select(outbox.c.id, outbox.c.last_error)
                                .where(outbox.c.last_error.like('%@%'))).all()
    for row_id, error in quoted:
        connection.execute(outbox.update().where(outbox.c.id == row_id).values(last_error=EMAIL.sub(REDACTED, error)))


def downgrade():
    op.drop_index(op.f('ix_organiser_session_user_id'), table_name='organiser_session')
    op.drop_table('organiser_session')


def _forget_typed_passwords():
    audit_log = sa.table('audit_log', sa.column('id', sa.BigInteger()), sa.column('action', sa.String()),
                         sa.column('details', sa.Text()))
    connection = op.get_bind()
    failed = connection.execute(sa.select(audit_log.c.id, audit_log.c.details)
                                .where(audit_log.c.action == 'login_failed')).all()
    for row_id, details in failed:
        values = json.loads(details or "{}")
        typed = values.get("email")
        if not typed:
            continue
        try:
            validate_email(typed, check_deliverability=False)
        except EmailNotValidError:
            values["email"] = None
            connection.execute(audit_log.update().where(audit_log.c.id == row_id)
                               .values(details=json.dumps(values, sort_keys=True, ensure_ascii=False)))
