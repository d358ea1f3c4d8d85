"""handoff_notes and handoffs.closing_note: nurses' internal notes, and the closing note kept apart from the outcome.

Until now the console glued the closing note onto the outcome chosen from its list ("Call back arranged: at
10am"). Rows written that way are split here, so their outcome can be searched and their note shown on its
own; an outcome that starts with none of the choices below (an API client's own text) is left as it was.

Revision ID: 0013_notes_and_closing_note
Revises: 0012_content_entry_body_sites
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_notes_and_closing_note"
down_revision = "0012_content_entry_body_sites"
branch_labels = None
depends_on = None

# The outcomes the console offered when this migration was written (index.html), each glued to a note by ": ".
OUTCOMES_OFFERED = (
    "Information and support given",
    "Advised to contact their breast care nurse or GP",
    "Advised to seek urgent medical help",
    "Signposted to emergency services",
    "Call back arranged",
    "Person left the chat",
    "Other",
)
GLUE = ": "

SPLIT = sa.text(
    "UPDATE handoffs SET outcome = :choice, closing_note = NULLIF(SUBSTR(outcome, :rest), '') "
    "WHERE closing_note IS NULL AND SUBSTR(outcome, 1, :length) = :prefix"
)
JOIN = sa.text(
    "UPDATE handoffs SET outcome = outcome || :glue || closing_note "
    "WHERE closing_note IS NOT NULL AND outcome IS NOT NULL"
)


def upgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closing_note", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoffs_ended_at"), ["ended_at"], unique=False)
    op.create_table(
        "handoff_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("nurse_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoffs.id"], name=op.f("fk_handoff_notes_handoff_id_handoffs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["nurse_id"], ["nurses.id"], name=op.f("fk_handoff_notes_nurse_id_nurses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_notes")),
    )
    with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_notes_handoff_id"), ["handoff_id"], unique=False)
    for choice in OUTCOMES_OFFERED:
        prefix = choice + GLUE
        op.execute(SPLIT.bindparams(choice=choice, rest=len(prefix) + 1, length=len(prefix), prefix=prefix))


def downgrade() -> None:
    op.execute(JOIN.bindparams(glue=GLUE))
    with op.batch_alter_table("handoff_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoff_notes_handoff_id"))
    op.drop_table("handoff_notes")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_handoffs_ended_at"))
        batch_op.drop_column("closing_note")
