"""Signatures get a random reference (for links and erasure requests) and the choice to be
delivered without a name; email identities become canonical (plus tags, Gmail dots).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:00:00

Hand-checked. Existing rows get a reference each. The identity and email keys of signatures
with an email are recomputed with the canonical form, except where two signatures of one
campaign would then collide (one person signed twice with tagged addresses before this
change): those keep their old keys, and both stay counted as before.
"""
import hashlib
import secrets
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The campaigns whose identity is the email address (campaign/campaigns/*.py at this revision).
EMAIL_IDENTITY_CAMPAIGNS = ('xi', 'unhcr')


def _normalise(text):
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _canonical_email(email):
    # A frozen copy of campaign.petitions.identity.canonical_email: migrations must not change
    # meaning when the application's code does.
    address = _normalise(email)
    local, at, domain = address.rpartition("@")
    if not at:
        return address
    local = local.split("+", 1)[0]
    if domain in ("gmail.com", "googlemail.com"):
        domain, local = "gmail.com", local.replace(".", "")
    return f"{local}@{domain}"


def _key(text):
    return hashlib.sha256(_normalise(text).encode("utf-8")).hexdigest()


def upgrade():
    with op.batch_alter_table('signature') as batch:
        batch.add_column(sa.Column('reference', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('name_withheld', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_unique_constraint('uq_signature_reference', ['reference'])

    connection = op.get_bind()
    signature = sa.table('signature', sa.column('id'), sa.column('campaign'), sa.column('email'),
                         sa.column('identity_key'), sa.column('email_key'), sa.column('reference'))
    rows = connection.execute(sa.select(signature.c.id, signature.c.campaign, signature.c.email,
                                        signature.c.identity_key)).all()
    taken = {(row.campaign, row.identity_key) for row in rows}
    for row in rows:
        values = {'reference': secrets.token_urlsafe(16)}
        if row.email:
            canonical = _key(_canonical_email(row.email))
            values['email_key'] = canonical
            if row.campaign in EMAIL_IDENTITY_CAMPAIGNS and canonical != row.identity_key \
                    and (row.campaign, canonical) not in taken:
                taken.discard((row.campaign, row.identity_key))
                taken.add((row.campaign, canonical))
                values['identity_key'] = canonical
        connection.execute(sa.update(signature).where(signature.c.id == row.id).values(**values))


def downgrade():
    with op.batch_alter_table('signature') as batch:
        batch.drop_constraint('uq_signature_reference', type_='unique')
        batch.drop_column('name_withheld')
        batch.drop_column('reference')
