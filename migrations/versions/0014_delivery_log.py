"""The delivery log: each delivery of a packet to an office, and the office's response.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05 01:00:00

Hand-checked. One new table, `delivery` (models.Delivery): the recipient as a stable key with
the name its packet gave it, the date, channel, who delivered (organisers only), the count and
the packet's fingerprint; the response columns stay empty until the office answers.
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('delivery',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('recipient_key', sa.String(length=64), nullable=False),
    sa.Column('recipient_name', sa.String(length=300), nullable=False),
    sa.Column('delivered_on', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('delivered_by', sa.String(length=200), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('packet_sha256', sa.String(length=64), nullable=True),
    sa.Column('response_on', sa.Date(), nullable=True),
    sa.Column('response_status', sa.String(length=16), nullable=True),
    sa.Column('response_summary', sa.Text(), nullable=True),
    sa.Column('response_url', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_delivery_recipient', 'delivery', ['campaign', 'recipient_key'], unique=False)


def downgrade():
    op.drop_index('ix_delivery_recipient', table_name='delivery')
    op.drop_table('delivery')
