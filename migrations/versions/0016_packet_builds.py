"""Background builds of a campaign's delivery packets.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 01:00:00

Hand-checked. Two new tables: `packet_build` (models.PacketBuild), one row per build asked for on
the dashboard, with its status, progress, the lease of the worker doing it (locked_until,
lease_token, as in the outbox) and its ZIP's SHA-256; and `packet_build_file`, one row per
finished packet with its SHA-256 and size, keyed by build and file name so that no file is
recorded twice. The unique `active` column allows one queued or running build per campaign.
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('packet_build',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('active', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('generated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by', ID, nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_token', sa.String(length=32), nullable=True),
    sa.Column('packets_total', sa.Integer(), nullable=True),
    sa.Column('packets_done', sa.Integer(), nullable=False),
    sa.Column('signatures', sa.Integer(), nullable=True),
    sa.Column('skipped', sa.Integer(), nullable=True),
    sa.Column('directory', sa.String(length=100), nullable=True),
    sa.Column('zip_sha256', sa.String(length=64), nullable=True),
    sa.Column('zip_size', sa.BigInteger(), nullable=True),
    sa.Column('error', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['requested_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('active', name='uq_packet_build_active')
    )
    op.create_index('ix_packet_build_campaign', 'packet_build', ['campaign'], unique=False)
    op.create_table('packet_build_file',
    sa.Column('build_id', ID, nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('signatures', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Boolean(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('written_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['build_id'], ['packet_build.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('build_id', 'filename')
    )


def downgrade():
    op.drop_table('packet_build_file')
    op.drop_index('ix_packet_build_campaign', table_name='packet_build')
    op.drop_table('packet_build')
