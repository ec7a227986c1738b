"""Organisations that sign the coalition letter, and campaign media (videos, documents).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 18:40:00

Hand-checked. New tables only.
"""
import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('organisation',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('identity_key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('homepage', sa.String(length=300), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['decided_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('campaign', 'identity_key', name='uq_organisation_campaign_identity')
    )
    op.create_index('ix_organisation_campaign', 'organisation', ['campaign'], unique=False)
    op.create_table('campaign_media',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('url', sa.String(length=500), nullable=False),
    sa.Column('titles', sa.Text(), nullable=False),
    sa.Column('subtitles', sa.String(length=100), nullable=False),
    sa.Column('alternative_url', sa.String(length=500), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_campaign_media_campaign', 'campaign_media', ['campaign'], unique=False)


def downgrade():
    op.drop_index('ix_campaign_media_campaign', table_name='campaign_media')
    op.drop_table('campaign_media')
    op.drop_index('ix_organisation_campaign', table_name='organisation')
    op.drop_table('organisation')
