"""Congressional districts: the ZIP → district table and the current members of Congress.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 17:05:00

Hand-checked. Both tables are reference data filled by `flask data import`
(campaign/congress_data.py); nothing else writes them, so there is nothing to migrate.
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('zip_district',
    sa.Column('zip_code', sa.String(length=5), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('district', sa.Integer(), autoincrement=False, nullable=False),
    sa.PrimaryKeyConstraint('zip_code', 'state', 'district')
    )
    op.create_table('congress_member',
    sa.Column('bioguide_id', sa.String(length=16), nullable=False),
    sa.Column('chamber', sa.String(length=3), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('district', sa.Integer(), nullable=True),
    sa.Column('senate_class', sa.Integer(), nullable=True),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('party', sa.String(length=50), nullable=True),
    sa.Column('url', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('bioguide_id')
    )
    with op.batch_alter_table('congress_member', schema=None) as batch_op:
        batch_op.create_index('ix_congress_member_seat', ['state', 'district'], unique=False)


def downgrade():
    with op.batch_alter_table('congress_member', schema=None) as batch_op:
        batch_op.drop_index('ix_congress_member_seat')
    op.drop_table('congress_member')
    op.drop_table('zip_district')
