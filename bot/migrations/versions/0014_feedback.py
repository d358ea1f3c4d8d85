"""feedback: "Was this helpful?" and nurse-chat ratings; sms_conversations remembers what it asked.

Revision ID: 0014_feedback
Revises: 0013_notes_and_closing_note
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_feedback"
down_revision = "0013_notes_and_closing_note"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("content_id", sa.String(100), nullable=True),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("conversation_id", sa.String(255), nullable=True),
        sa.CheckConstraint("kind IN ('helpful', 'csat')", name=op.f("ck_feedback_kind")),
        sa.CheckConstraint(
            "(kind = 'helpful' AND rating IN (0, 1)) OR (kind = 'csat' AND rating BETWEEN 1 AND 5)",
            name=op.f("ck_feedback_rating"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index("ix_feedback_conversation", "feedback", ["conversation_id", "kind"])
    op.create_index(op.f("ix_feedback_created_at"), "feedback", ["created_at"])
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback_asked", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("feedback_content_id", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.drop_column("feedback_content_id")
        batch_op.drop_column("feedback_asked")
    op.drop_index(op.f("ix_feedback_created_at"), table_name="feedback")
    op.drop_index("ix_feedback_conversation", table_name="feedback")
    op.drop_table("feedback")
