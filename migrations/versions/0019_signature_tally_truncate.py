"""TRUNCATE signature empties the running tally too.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 07:30:00

TRUNCATE fires no row or statement trigger of INSERT, UPDATE or DELETE, so after an operator's
`TRUNCATE signature` (clearing a rehearsal campaign, a restore script) migration 0018's tally
went on counting signatures that no longer existed: the dashboard and the results would have
shown them. PostgreSQL has a trigger of its own for TRUNCATE; every signature is gone, so every
tally row goes with it, in the same transaction.

SQLite has no TRUNCATE: its DELETE without WHERE runs 0018's row triggers (SQLite turns off its
truncate shortcut for a table that has triggers).
"""
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("""
    CREATE OR REPLACE FUNCTION signature_tally_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM signature_tally;
        RETURN NULL;
    END $$""")
    op.execute("CREATE TRIGGER signature_tally_truncate AFTER TRUNCATE ON signature "
               "FOR EACH STATEMENT EXECUTE FUNCTION signature_tally_truncate()")


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute("DROP TRIGGER IF EXISTS signature_tally_truncate ON signature")
    op.execute("DROP FUNCTION IF EXISTS signature_tally_truncate()")
