"""Organiser sessions kept on the server, so that sign-out, `flask users disable` and
`flask users set-password` end every copy of a session cookie.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 10:00:00

Hand-checked. A new table only: sessions signed in before this revision end (their cookies
carry no session id), and their organisers sign in again.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organiser_session',
    sa.Column('id_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id_hash')
    )
    op.create_index(op.f('ix_organiser_session_user_id'), 'organiser_session', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_organiser_session_user_id'), table_name='organiser_session')
    op.drop_table('organiser_session')
