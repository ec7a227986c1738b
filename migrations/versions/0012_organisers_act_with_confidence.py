"""No schema change: revision 0012 was set aside for issue 19, item 8 (organisers act with
confidence), which needed none, and 0013 follows it.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 11:00:00

The paper batch's preview sends the batch back in hidden fields and saving checks it again;
a repeated save stores nothing because every signature's identity is unique per campaign
(uq_signature_campaign_identity): no table for previews, no token column.
"""

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
