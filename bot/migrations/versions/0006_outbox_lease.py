"""Outbox leases: with several Rasa replicas, exactly one process sends each message.

Revision ID: 0006_outbox_lease
Revises: 0005_retention
Create Date: 2026-11-23
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_outbox_lease"
down_revision = "0005_retention"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_token", sa.String(32), nullable=True))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("lease_token")
