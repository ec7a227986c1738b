"""Running tallies of signatures by day, place, language and name withheld, kept by triggers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05 05:00:00

The organisers' dashboard and the results counted the signature table on every view: at
1,000,000 signatures the dashboard took 650 ms against 13 ms on an empty database (51x), the
results 3-15x (bench/README.md). signature_tally holds, per campaign and status, how many
signatures there are of each value of each dimension:

    day       the UTC date of created_at, 'YYYY-MM-DD'
    country   ISO 3166-1 alpha-2
    region    the U.S. state (only congress stores one)
    district  'CA-40'
    locale    the language signed in (every signature has one, so its rows sum to the total)
    withheld  'yes' for a name the signer chose to withhold

A signature without a country, region or district is in no row of that dimension: the pages
count it as the total less the places.

Triggers keep it, so no writer can forget it: signing, confirming, hiding, paper batches,
erasure, the bench's COPY and a hand-typed UPDATE all go through them.

- PostgreSQL: statement-level triggers with transition tables. A statement adds its changes up
  first (a bulk hide of 5,000 rows is one upsert per value and shard), and upserts in key order,
  so that two statements never lock the same rows in opposite orders (no deadlock between them).
  An UPDATE adds up its old rows as -1 and its new ones as +1 per combination of the counted
  columns, so a row whose counted columns did not change moves nothing.
- SQLite: row-level triggers, shard 0 (SQLite has one writer at a time).

A signature is counted in shard id % 8, and taken away from the same shard: concurrent signers
(consecutive ids) rarely wait on the same row ("today", "ko") until their commit, every row is
the exact number of signatures it names, and a row that falls to zero is deleted. After an
erasure no row is left saying that someone from that place signed on that day in that language
(tests/test_email_privacy.py looks through every table).

ix_signature_places (migration 0013) served the counts by place that the tally now gives; no
query reads it any more, and every signature paid for keeping it, so it goes.

The reader sums the shards: petitions/tally.py.
"""
import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

SHARDS = 8  # PostgreSQL; SQLite has one writer at a time and one shard
TALLIED = ("status", "created_at", "country", "region", "district", "locale", "name_withheld")
KEY = "campaign, status, dimension, value, shard"


def _dimension_values(row, day):
    """(dimension, SQL value) of a signature row; a NULL value is left out of the tally."""
    return (("day", day), ("country", f"nullif({row}.country, '')"), ("region", f"nullif({row}.region, '')"),
            ("district", f"nullif({row}.district, '')"), ("locale", f"{row}.locale"),
            ("withheld", f"CASE WHEN {row}.name_withheld THEN 'yes' END"))


def _dimensions(row, day):
    return ", ".join(f"('{name}', {value})" for name, value in _dimension_values(row, day))


def _postgresql_upsert(changed, returning=""):
    """Add `changed` (rows of signature columns, shard and n, +1 or -1) to the tally in key order."""
    return f"""
    INSERT INTO signature_tally AS t ({KEY}, count)
    SELECT c.campaign, c.status, d.dimension, d.value, c.shard, sum(c.n)
    FROM ({changed}) AS c
    CROSS JOIN LATERAL (VALUES {_dimensions("c", "to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')")})
        AS d(dimension, value)
    WHERE d.value IS NOT NULL
    GROUP BY c.campaign, c.status, d.dimension, d.value, c.shard
    HAVING sum(c.n) <> 0
    ORDER BY c.campaign, c.status, d.dimension, d.value, c.shard
    ON CONFLICT ({KEY}) DO UPDATE SET count = t.count + excluded.count
    {returning}"""


_COLUMNS = "campaign, " + ", ".join(TALLIED)
_SHARD = f"id % {SHARDS} AS shard"

# A signature's shard is its id modulo 8: it is added to and taken from the same row, so every
# row counts exactly the signatures it names, never below zero, and a row that falls to zero is
# deleted (only `count = 0` is tested, which PostgreSQL checks again on a row another transaction
# just changed, so no count is lost). An erased signature leaves no row saying that someone from
# that place signed on that day in that language.
POSTGRESQL_FUNCTION = f"""
CREATE OR REPLACE FUNCTION signature_tally_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    emptied integer := 0;
BEGIN
    IF TG_OP = 'INSERT' THEN
        {_postgresql_upsert(f"SELECT {_COLUMNS}, {_SHARD}, 1 AS n FROM new_rows")};
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        WITH written AS ({_postgresql_upsert(f"SELECT {_COLUMNS}, {_SHARD}, -1 AS n FROM old_rows", "RETURNING t.count")})
        SELECT count(*) INTO emptied FROM written WHERE count = 0;
    ELSE
        -- Old rows count -1 and new rows +1, added up per combination of the counted columns:
        -- rows whose counted columns did not change cancel out (an anonymisation, a repeat
        -- signer, moves nothing). No join: transition tables have no index, and a join of
        -- 100,000 rows planned as a nested loop ran for minutes.
        WITH written AS ({_postgresql_upsert(f'''
            SELECT {_COLUMNS}, shard, sum(n) AS n FROM (
                SELECT {_COLUMNS}, {_SHARD}, -1 AS n FROM old_rows
                UNION ALL SELECT {_COLUMNS}, {_SHARD}, 1 AS n FROM new_rows
            ) AS moves GROUP BY {_COLUMNS}, shard HAVING sum(n) <> 0''', "RETURNING t.count")})
        SELECT count(*) INTO emptied FROM written WHERE count = 0;
    END IF;
    IF emptied > 0 THEN
        DELETE FROM signature_tally
        WHERE count = 0 AND (campaign, status) IN (SELECT DISTINCT campaign, status FROM old_rows);
    END IF;
    RETURN NULL;
END
$$"""

POSTGRESQL_TRIGGERS = {
    "signature_tally_insert": "AFTER INSERT ON signature REFERENCING NEW TABLE AS new_rows",
    "signature_tally_update": "AFTER UPDATE ON signature REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "signature_tally_delete": "AFTER DELETE ON signature REFERENCING OLD TABLE AS old_rows",
}


def _sqlite_upsert(row, n):
    return f"""
    INSERT INTO signature_tally ({KEY}, count)
    SELECT {row}.campaign, {row}.status, d.column1, d.column2, 0, {n}
    FROM (VALUES {_dimensions(row, f"date({row}.created_at)")}) AS d
    WHERE d.column2 IS NOT NULL
    ON CONFLICT ({KEY}) DO UPDATE SET count = count + excluded.count;"""


# As on PostgreSQL, a row that falls to zero goes (see POSTGRESQL_FUNCTION).
_SQLITE_EMPTIED = "DELETE FROM signature_tally WHERE count = 0 AND campaign = OLD.campaign AND status = OLD.status;"

SQLITE_TRIGGERS = {
    "signature_tally_insert": f"AFTER INSERT ON signature BEGIN {_sqlite_upsert('NEW', 1)} END",
    "signature_tally_update": (
        f"AFTER UPDATE OF {', '.join(TALLIED)} ON signature "
        f"WHEN {' OR '.join(f'OLD.{column} IS NOT NEW.{column}' for column in TALLIED)} "
        f"BEGIN {_sqlite_upsert('OLD', -1)} {_sqlite_upsert('NEW', 1)} {_SQLITE_EMPTIED} END"),
    "signature_tally_delete": f"AFTER DELETE ON signature BEGIN {_sqlite_upsert('OLD', -1)} {_SQLITE_EMPTIED} END",
}


def upgrade():
    op.drop_index('ix_signature_places', table_name='signature')
    op.create_table(
        'signature_tally',
        sa.Column('campaign', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('dimension', sa.String(length=16), nullable=False),
        sa.Column('value', sa.String(length=100), nullable=False),
        sa.Column('shard', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('count', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('campaign', 'status', 'dimension', 'value', 'shard'),
    )
    # The triggers first: on PostgreSQL creating them locks the table against writes until this
    # migration commits, so the count below sees every signature and no signer slips between.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(POSTGRESQL_FUNCTION)
        for name, event in POSTGRESQL_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {event} FOR EACH STATEMENT EXECUTE FUNCTION signature_tally_change()")
        op.execute(_postgresql_upsert(f"SELECT {_COLUMNS}, {_SHARD}, 1 AS n FROM signature"))
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
        # SQLite has no LATERAL: one GROUP BY per dimension.
        op.execute(f"INSERT INTO signature_tally ({KEY}, count) " + " UNION ALL ".join(
            f"SELECT campaign, status, '{name}', {value}, 0, count(*) FROM signature AS s "
            f"WHERE {value} IS NOT NULL GROUP BY campaign, status, {value}"
            for name, value in _dimension_values("s", "date(s.created_at)")))


def downgrade():
    for name in POSTGRESQL_TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON signature" if op.get_bind().dialect.name == 'postgresql'
                   else f"DROP TRIGGER IF EXISTS {name}")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP FUNCTION IF EXISTS signature_tally_change()")
    op.drop_table('signature_tally')
    op.create_index('ix_signature_places', 'signature', ['campaign', 'country', 'region', 'district', 'status'])
