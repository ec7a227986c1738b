"""Organiser sessions kept on the server, so that sign-out, `flask users disable` and
`flask users set-password` end every copy of a session cookie.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00

Hand-checked. A new table: sessions signed in before this revision end (their cookies carry no
session id), and their organisers sign in again. And a data step: email addresses that SMTP
servers quoted into outbox.last_error before campaign/log_redaction.py existed are redacted the
same way (its pattern is copied here: a migration does not change when the app's code does).
"""
import re

import sqlalchemy as sa
from alembic import op

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
