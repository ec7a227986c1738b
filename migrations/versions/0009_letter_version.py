"""Each signature records the version of the letter text it was signed under.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 22:30:00

Hand-checked. One nullable column: signatures from before this revision have no version, and
packets say so ("No version recorded").
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('signature') as batch:
        batch.add_column(sa.Column('letter_version', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('signature') as batch:
        batch.drop_column('letter_version')
