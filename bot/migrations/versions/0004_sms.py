"""SMS channel: encrypted numbers per conversation, opt-out state, and the durable inbound queue.

Revision ID: 0004_sms
Revises: 0003_outbox_retry
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sms"
down_revision = "0003_outbox_retry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sms_conversations",
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("phone_encrypted", sa.Text(), nullable=False),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_notice_id", sa.Integer(), nullable=True),
        sa.Column("order_floor", sa.Integer(), nullable=False),
        sa.Column("options", sa.Text(), nullable=True),
        sa.Column("more_text", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_sms_conversations")),
    )
    op.create_table(
        "sms_inbound",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("body_encrypted", sa.Text(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_inbound")),
        sa.UniqueConstraint("message_sid", name=op.f("uq_sms_inbound_message_sid")),
    )
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.create_index("ix_sms_inbound_pending", ["conversation_id", "processed_at"], unique=False)
        batch_op.create_index("ix_sms_inbound_processed_at", ["processed_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sms_inbound", schema=None) as batch_op:
        batch_op.drop_index("ix_sms_inbound_processed_at")
        batch_op.drop_index("ix_sms_inbound_pending")

    op.drop_table("sms_inbound")
    op.drop_table("sms_conversations")
