"""News updates written by organisers, per language and audience.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05 01:00:00
"""
from alembic import op  # noqa: F401

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
