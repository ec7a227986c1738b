"""News updates written by organisers, per language and audience.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 01:00:00

Hand-checked. Two new tables: `campaign_update` (models.CampaignUpdate: its campaign, audience
(campaign, state, district or country, with the place), who wrote it, when it was sent and what
the send did) and `campaign_update_text` (models.CampaignUpdateText: subject and body in one
language, keyed by update and language tag). Sending adds outbox rows of kind `news:<id>`; the
weekly limit reads the outbox through its existing index on signature_id.
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('campaign_update',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('audience_value', sa.String(length=8), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', ID, nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_by', ID, nullable=True),
    sa.Column('queued', sa.Integer(), nullable=True),
    sa.Column('capped', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sent_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_campaign_update_campaign', 'campaign_update', ['campaign'])
    op.create_table('campaign_update_text',
    sa.Column('update_id', ID, nullable=False),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=150), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['update_id'], ['campaign_update.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('update_id', 'language')
    )


def downgrade():
    op.drop_table('campaign_update_text')
    op.drop_index('ix_campaign_update_campaign', table_name='campaign_update')
    op.drop_table('campaign_update')
