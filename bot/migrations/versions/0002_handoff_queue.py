"""Handoff queue: nurses, handoffs, transcript messages, outbox and audit events.

Revision ID: 0002_handoff_queue
Revises: 0001_content_store
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_handoff_queue"
down_revision = "0001_content_store"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "nurses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('nurse', 'admin')", name=op.f("ck_nurses_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nurses")),
        sa.UniqueConstraint("username", name=op.f("uq_nurses_username")),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("priority", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.Integer(), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('live', 'message')", name=op.f("ck_handoffs_kind")),
        sa.CheckConstraint("priority IN ('normal', 'urgent')", name=op.f("ck_handoffs_priority")),
        sa.CheckConstraint("state != 'claimed' OR claimed_by IS NOT NULL", name=op.f("ck_handoffs_claimed_has_nurse")),
        sa.CheckConstraint(
            "state IN ('waiting', 'claimed', 'returned', 'closed', 'cancelled')", name=op.f("ck_handoffs_state")
        ),
        sa.ForeignKeyConstraint(["claimed_by"], ["nurses.id"], name=op.f("fk_handoffs_claimed_by_nurses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoffs")),
    )
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoffs_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index("ix_handoffs_state_priority_created", ["state", "priority", "created_at"], unique=False)
        batch_op.create_index(
            "uq_handoffs_one_open_per_conversation",
            ["conversation_id"],
            unique=True,
            sqlite_where=sa.text("state IN ('waiting', 'claimed')"),
            postgresql_where=sa.text("state IN ('waiting', 'claimed')"),
        )

    op.create_table(
        "handoff_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("nurse_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_events_handoff_id_handoffs"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["nurse_id"], ["nurses.id"], name=op.f("fk_handoff_events_nurse_id_nurses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_events")),
    )
    with op.batch_alter_table("handoff_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_events_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("nurse_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("author IN ('person', 'bot', 'nurse', 'system')", name=op.f("ck_handoff_messages_author")),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_messages_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["nurse_id"], ["nurses.id"], name=op.f("fk_handoff_messages_nurse_id_nurses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_messages")),
    )
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_messages_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=255), nullable=False),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.CheckConstraint("author IN ('nurse', 'system')", name=op.f("ck_outbox_author")),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_outbox_handoff_id_handoffs"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index("ix_outbox_pending", ["conversation_id", "delivered_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_pending")

    op.drop_table("outbox")
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_messages_handoff_id"))

    op.drop_table("handoff_messages")
    with op.batch_alter_table("handoff_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_events_handoff_id"))

    op.drop_table("handoff_events")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_handoffs_one_open_per_conversation",
            sqlite_where=sa.text("state IN ('waiting', 'claimed')"),
            postgresql_where=sa.text("state IN ('waiting', 'claimed')"),
        )
        batch_op.drop_index("ix_handoffs_state_priority_created")
        batch_op.drop_index(batch_op.f("ix_handoffs_conversation_id"))

    op.drop_table("handoffs")
    op.drop_table("nurses")
