"""helpline_pauses: an admin pauses new handoffs now, with a message; one open pause at a time.

Revision ID: 0010_helpline_pause
Revises: 0009_person_journey
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_helpline_pause"
down_revision = "0009_person_journey"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "helpline_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("paused_by", sa.Integer(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=True),
        sa.Column("resumed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resumed_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["paused_by"], ["nurses.id"], name=op.f("fk_helpline_pauses_paused_by_nurses")),
        sa.ForeignKeyConstraint(["resumed_by"], ["nurses.id"], name=op.f("fk_helpline_pauses_resumed_by_nurses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpline_pauses")),
        sa.UniqueConstraint("is_open", name=op.f("uq_helpline_pauses_is_open")),
    )


def downgrade() -> None:
    op.drop_table("helpline_pauses")
