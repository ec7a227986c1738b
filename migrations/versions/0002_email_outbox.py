"""Email: outbox, pending signatures awaiting confirmation, anonymisation and closing times.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:15:00

Hand-checked. Every signature before this revision was counted at once, so `status` starts
as "counted" for them (server default). `email_key` is filled for existing rows with the same
normalisation the app uses (campaign/petitions/identity.py), copied here so that this
migration keeps meaning what it meant when the code changes.
"""
import hashlib
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _email_key(email):
    folded = " ".join(unicodedata.normalize("NFKC", email).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def upgrade():
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('signature_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('dedupe_key', sa.String(length=128), nullable=True),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('from_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('headers', sa.Text(), nullable=False),
    sa.Column('message_id', sa.String(length=255), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=32), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['signature_id'], ['signature.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dedupe_key', name='uq_outbox_dedupe_key'),
    sa.UniqueConstraint('message_id', name='uq_outbox_message_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_signature_id'), ['signature_id'], unique=False)

    with op.batch_alter_table('campaign_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='counted', nullable=False))
        batch_op.add_column(sa.Column('email_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('confirmation_sent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_signature_email_key'), ['email_key'], unique=False)

    connection = op.get_bind()
    signature = sa.table('signature', sa.column('id', sa.Integer), sa.column('email', sa.String),
                         sa.column('email_key', sa.String))
    rows = connection.execute(sa.select(signature.c.id, signature.c.email)
                              .where(signature.c.email.is_not(None))).all()
    for row in rows:
        connection.execute(signature.update().where(signature.c.id == row.id)
                           .values(email_key=_email_key(row.email)))


def downgrade():
    with op.batch_alter_table('signature', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signature_email_key'))
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('confirmation_sent_at')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('email_key')
        batch_op.drop_column('status')

    with op.batch_alter_table('campaign_settings', schema=None) as batch_op:
        batch_op.drop_column('closed_at')

    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_signature_id'))
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
