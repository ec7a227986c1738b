"""Background builds of a campaign's delivery packets.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 01:00:00
"""
from alembic import op  # noqa: F401

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
