"""The person's journey: left messages with context, presence, queue notices, abandonment, stuck claims.

- handoffs.state may be 'abandoned' (the person went away while waiting);
- handoffs.last_seen_at, away_since (presence) and told_position (the queue place last told);
- handoff_messages.context: the conversation leading up to a handoff, apart from what was written for the nurse;
- outbox.buttons: quick replies for channels that show them;
- nurses.session_expires_at, signed_out_at: a claim whose nurse is gone goes back to the queue.

Revision ID: 0009_person_journey
Revises: 0008_nurse_token_version
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_person_journey"
down_revision = "0008_nurse_token_version"
branch_labels = None
depends_on = None

OLD_STATES = "state IN ('waiting', 'claimed', 'returned', 'closed', 'cancelled')"
NEW_STATES = "state IN ('waiting', 'claimed', 'returned', 'closed', 'cancelled', 'abandoned')"


def upgrade() -> None:
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("away_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("told_position", sa.Integer(), nullable=True))
        batch_op.drop_constraint(op.f("ck_handoffs_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_handoffs_state"), NEW_STATES)
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("context", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("buttons", sa.Text(), nullable=True))
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("signed_out_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.drop_column("signed_out_at")
        batch_op.drop_column("session_expires_at")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("buttons")
    with op.batch_alter_table("handoff_messages", schema=None) as batch_op:
        batch_op.drop_column("context")
    op.execute("UPDATE handoffs SET state = 'cancelled' WHERE state = 'abandoned'")
    with op.batch_alter_table("handoffs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_handoffs_state"), type_="check")
        batch_op.create_check_constraint(op.f("ck_handoffs_state"), OLD_STATES)
        batch_op.drop_column("told_position")
        batch_op.drop_column("away_since")
        batch_op.drop_column("last_seen_at")
