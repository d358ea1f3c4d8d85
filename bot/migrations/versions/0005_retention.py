"""Anonymous daily usage counts, kept by the retention command.

Revision ID: 0005_retention
Revises: 0004_sms
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_retention"
down_revision = "0004_sms"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "usage_counts",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", name="pk_usage_counts"),
    )


def downgrade() -> None:
    op.drop_table("usage_counts")
