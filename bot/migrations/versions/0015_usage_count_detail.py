"""usage_counts gets a detail (channel and hour, content entry, wait in seconds...), so reports outlive retention.

Revision ID: 0015_usage_count_detail
Revises: 0014_feedback
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_usage_count_detail"
down_revision = "0014_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_counts", recreate="always") as batch_op:
        batch_op.add_column(sa.Column("detail", sa.String(255), nullable=False, server_default=""))
        batch_op.drop_constraint("pk_usage_counts", type_="primary")
        batch_op.create_primary_key("pk_usage_counts", ["day", "kind", "detail"])


def downgrade() -> None:
    with op.batch_alter_table("usage_counts", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_usage_counts", type_="primary")
        batch_op.drop_column("detail")
        batch_op.create_primary_key("pk_usage_counts", ["day", "kind"])
