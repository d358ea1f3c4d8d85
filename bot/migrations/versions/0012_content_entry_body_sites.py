"""content_entries.body_sites: the places in the body an entry's question is about, for ranking.

Revision ID: 0012_content_entry_body_sites
Revises: 0011_nurse_last_sign_in
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_content_entry_body_sites"
down_revision = "0011_nurse_last_sign_in"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_sites", sa.Text(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("content_entries", schema=None) as batch_op:
        batch_op.drop_column("body_sites")
