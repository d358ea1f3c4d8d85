"""Question-level content: each entry's question, overview flag, acknowledgement, asked_as, and cited quotes.

Revision ID: 0007_content_questions
Revises: 0006_outbox_lease
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_content_questions"
down_revision = "0006_outbox_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("content_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("overview", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("acknowledge", sa.String(20), nullable=True))
        batch_op.add_column(sa.Column("asked_as", sa.Text(), nullable=False, server_default="[]"))
        batch_op.create_check_constraint(
            "ck_content_entries_acknowledge", "acknowledge IS NULL OR acknowledge IN ('guilt', 'fear', 'grief')"
        )
    op.create_table(
        "content_citations",
        sa.Column("entry_id", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["content_entries.id"],
            name="fk_content_citations_entry_id_content_entries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document"],
            ["content_sources.document"],
            name="fk_content_citations_document_content_sources",
        ),
        sa.PrimaryKeyConstraint("entry_id", "position", name="pk_content_citations"),
    )


def downgrade() -> None:
    op.drop_table("content_citations")
    with op.batch_alter_table("content_entries", schema=None) as batch_op:
        batch_op.drop_constraint("ck_content_entries_acknowledge", type_="check")
        batch_op.drop_column("asked_as")
        batch_op.drop_column("acknowledge")
        batch_op.drop_column("overview")
        batch_op.drop_column("question")
