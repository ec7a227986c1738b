"""Campaign settings get an editor's note per language and a mark for historical campaigns.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 10:00:00

Hand-checked. Both columns are nullable: an absent note shows the campaign's own note from the
catalog (if it has one), and an absent mark means the campaign is not historical.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign_settings') as batch:
        batch.add_column(sa.Column('historical', sa.Boolean(), nullable=True))
        batch.add_column(sa.Column('editor_notes', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('campaign_settings') as batch:
        batch.drop_column('editor_notes')
        batch.drop_column('historical')
