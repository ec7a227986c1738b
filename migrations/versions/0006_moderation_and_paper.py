"""Moderation (hidden signatures) and paper signature batches.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 18:10:00

Hand-checked. New nullable columns and a new table: existing rows need no change.
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    op.create_table('paper_batch',
    sa.Column('id', ID, nullable=False),
    sa.Column('campaign', sa.String(length=32), nullable=False),
    sa.Column('collected_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('entered_by', ID, nullable=True),
    sa.Column('entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('signatures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by'], ['app_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_paper_batch_campaign', 'paper_batch', ['campaign'], unique=False)
    # SQLite cannot add a foreign key to an existing table: batch mode copies the table there.
    with op.batch_alter_table('signature') as batch:
        batch.add_column(sa.Column('paper_batch_id', ID, nullable=True))
        batch.add_column(sa.Column('hidden_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('hidden_reason', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('hidden_by', ID, nullable=True))
        batch.create_index('ix_signature_paper_batch_id', ['paper_batch_id'], unique=False)
        batch.create_foreign_key('fk_signature_paper_batch_id_paper_batch', 'paper_batch', ['paper_batch_id'], ['id'],
                                 ondelete='RESTRICT')
        batch.create_foreign_key('fk_signature_hidden_by_app_user', 'app_user', ['hidden_by'], ['id'],
                                 ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('signature') as batch:
        batch.drop_constraint('fk_signature_hidden_by_app_user', type_='foreignkey')
        batch.drop_constraint('fk_signature_paper_batch_id_paper_batch', type_='foreignkey')
        batch.drop_index('ix_signature_paper_batch_id')
        batch.drop_column('hidden_by')
        batch.drop_column('hidden_reason')
        batch.drop_column('hidden_at')
        batch.drop_column('paper_batch_id')
    op.drop_index('ix_paper_batch_campaign', table_name='paper_batch')
    op.drop_table('paper_batch')
