"""Content store: sources, topics, entries, body sites, imports.

Revision ID: 0001_content_store
Revises:
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_content_store"
down_revision = None
branch_labels = None
depends_on = None

RECURRENCE = "'local', 'regional', 'secondary'"
TREATMENTS = "'surgery', 'radiotherapy', 'chemotherapy', 'hormone_therapy', 'targeted_therapy'"


def upgrade() -> None:
    op.create_table(
        "content_sources",
        sa.Column("document", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("reviewed", sa.String(100), nullable=True),
        sa.PrimaryKeyConstraint("document", name="pk_content_sources"),
    )
    op.create_table(
        "content_topics",
        sa.Column("name", sa.String(50), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_content_topics"),
    )
    op.create_table(
        "content_entries",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(50), nullable=False),
        sa.Column("recurrence_type", sa.String(20), nullable=True),
        sa.Column("treatment", sa.String(30), nullable=True),
        sa.Column("web_answer", sa.Text(), nullable=False),
        sa.Column("sms_answer", sa.String(300), nullable=False),
        sa.Column("source_document", sa.String(200), nullable=False),
        sa.Column("source_section", sa.Text(), nullable=False),
        sa.Column("last_reviewed", sa.Date(), nullable=False),
        sa.Column("next_review_due", sa.Date(), nullable=False),
        sa.Column("review_status", sa.String(20), nullable=False),
        sa.Column("source_file", sa.String(200), nullable=False),
        sa.CheckConstraint(
            f"recurrence_type IS NULL OR recurrence_type IN ({RECURRENCE})",
            name="ck_content_entries_recurrence_type",
        ),
        sa.CheckConstraint(f"treatment IS NULL OR treatment IN ({TREATMENTS})", name="ck_content_entries_treatment"),
        sa.CheckConstraint("review_status IN ('approved', 'draft')", name="ck_content_entries_review_status"),
        sa.CheckConstraint("next_review_due >= last_reviewed", name="ck_content_entries_review_dates"),
        sa.CheckConstraint("length(sms_answer) <= 300", name="ck_content_entries_sms_length"),
        sa.ForeignKeyConstraint(["topic"], ["content_topics.name"], name="fk_content_entries_topic_content_topics"),
        sa.ForeignKeyConstraint(
            ["source_document"],
            ["content_sources.document"],
            name="fk_content_entries_source_document_content_sources",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_content_entries"),
    )
    op.create_index("ix_content_entries_topic", "content_entries", ["topic"])
    op.create_table(
        "content_body_sites",
        sa.Column("site", sa.String(50), nullable=False),
        sa.Column("recurrence_type", sa.String(20), nullable=False),
        sa.Column("source_document", sa.String(200), nullable=False),
        sa.Column("source_section", sa.Text(), nullable=False),
        sa.CheckConstraint(f"recurrence_type IN ({RECURRENCE})", name="ck_content_body_sites_recurrence_type"),
        sa.ForeignKeyConstraint(
            ["source_document"],
            ["content_sources.document"],
            name="fk_content_body_sites_source_document_content_sources",
        ),
        sa.PrimaryKeyConstraint("site", name="pk_content_body_sites"),
    )
    op.create_table(
        "content_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("added", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("removed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_content_imports"),
    )


def downgrade() -> None:
    op.drop_table("content_imports")
    op.drop_table("content_body_sites")
    op.drop_index("ix_content_entries_topic", table_name="content_entries")
    op.drop_table("content_entries")
    op.drop_table("content_topics")
    op.drop_table("content_sources")
