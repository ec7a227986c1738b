"""Indexes that keep organiser pages flat at a million signatures.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 01:00:00

Measured with bench/million.py (PostgreSQL 15, median of 5, this 2-core machine), empty database
against 1,000,000 signatures; before on HEAD 781eb07 at a load of about 1, after at about 2.
Details, and the figures not met: bench/README.md.

- The organisers' search for a rare name: 6 -> 243 ms (41x) before, 7 -> 10 ms (1.5x) after; for
  an email address 6 -> 273 ms (45x) before, 6 -> 10 ms (1.6x) after. ix_signature_search, PostgreSQL
  only: a trigram GIN index (pg_trgm, from the server's contrib) on lower(first_name || ' ' ||
  last_name || ' ' || coalesce(city, '')); the search adds that expression's LIKE to its three
  (organisers/moderation.py), which changes no answer and lets PostgreSQL read the index (0.1 ms)
  instead of every signature (330 ms). Without pg_trgm, or the right to create it, the index is
  skipped and the search scans as before.
- `privacy erase EMAIL`: 8 -> 320 ms (41x) before, 10 -> 19 ms (1.8x) after. ix_outbox_to_address_lower
  (PostgreSQL only) finds the emails to the address (110 ms -> 0.03 ms); the identity-key lookup
  names the campaigns (privacy.py), so it reads uq_signature_campaign_identity (146 ms -> 8 ms).
- `privacy anonymise` with nothing left to do: 7 -> 278 ms (38x) before, 8 -> 7 ms after.
  ix_signature_not_anonymised (partial: anonymised_at IS NULL) holds only what is left to do;
  ix_outbox_campaign and ix_outbox_retention (status, created_at) find a closed campaign's emails
  and the sent ones past their days (330 and 230 ms of outbox scans -> under 1 ms). The command
  vacuums after changing anything, or the partial index leads through the rows just anonymised.
- The organisers' list and the exports: ix_signature_campaign_status (campaign, status, id)
  replaces ix_signature_campaign (campaign): one status newest first or in signing order without
  a sort; the hidden signatures without reading past the counted ones.

Building them on 1,000,000 rows takes about 20 s on PostgreSQL (the trigram index most).
"""
import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

NOT_ANONYMISED = sa.text("anonymised_at IS NULL")
SEARCH_TEXT = "lower(first_name || ' ' || last_name || ' ' || coalesce(city, ''))"


def upgrade():
    op.create_index('ix_signature_campaign_status', 'signature', ['campaign', 'status', 'id'])
    op.drop_index('ix_signature_campaign', table_name='signature')
    op.create_index('ix_signature_not_anonymised', 'signature', ['campaign'], postgresql_where=NOT_ANONYMISED,
                    sqlite_where=NOT_ANONYMISED)
    op.create_index('ix_outbox_campaign', 'outbox', ['campaign'])
    op.create_index('ix_outbox_retention', 'outbox', ['status', 'created_at'])
    bind = op.get_bind()
    if bind.dialect.name != 'postgresql':
        return
    op.execute("CREATE INDEX ix_outbox_to_address_lower ON outbox (lower(to_address))")
    if _trigrams(bind):
        op.execute(f"CREATE INDEX ix_signature_search ON signature USING gin ({SEARCH_TEXT} gin_trgm_ops)")


def _trigrams(bind):
    """pg_trgm installed, or installed now if the server has it and this role may (it is a trusted
    extension: the database's owner may). A failure leaves the migration going, without it."""
    installed = "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
    if bind.execute(sa.text(installed)).first():
        return True
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first():
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_signature_search")
        op.execute("DROP INDEX IF EXISTS ix_outbox_to_address_lower")
    op.drop_index('ix_outbox_retention', table_name='outbox')
    op.drop_index('ix_outbox_campaign', table_name='outbox')
    op.drop_index('ix_signature_not_anonymised', table_name='signature')
    op.create_index('ix_signature_campaign', 'signature', ['campaign'])
    op.drop_index('ix_signature_campaign_status', table_name='signature')
