"""sms_conversations: whether a safety reply went out, and the nurse chat a text of 1 to 5 rates.

Revision ID: 0018_sms_csat
Revises: 0017_read_up_to
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0018_sms_csat"
down_revision = "0017_read_up_to"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("safety_replied", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("csat_handoff_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sms_conversations", schema=None) as batch_op:
        batch_op.drop_column("csat_handoff_id")
        batch_op.drop_column("safety_replied")
