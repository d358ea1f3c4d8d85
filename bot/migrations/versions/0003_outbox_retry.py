"""Outbox: retry schedule, the nurse's name, and bot replies for channels that send asynchronously.

Revision ID: 0003_outbox_retry
Revises: 0002_handoff_queue
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox_retry"
down_revision = "0002_handoff_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sender_name", sa.String(120), nullable=True))
        batch_op.drop_constraint(op.f("ck_outbox_author"), type_="check")
        batch_op.create_check_constraint("author", "author IN ('bot', 'nurse', 'system')")


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_author"), type_="check")
        batch_op.create_check_constraint("author", "author IN ('nurse', 'system')")
        batch_op.drop_column("sender_name")
        batch_op.drop_column("next_attempt_at")
