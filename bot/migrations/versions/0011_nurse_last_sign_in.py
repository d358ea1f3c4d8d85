"""nurses.last_signed_in_at: when each account last signed in, shown on the nurse list.

Revision ID: 0011_nurse_last_sign_in
Revises: 0010_helpline_pause
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_nurse_last_sign_in"
down_revision = "0010_helpline_pause"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.drop_column("last_signed_in_at")
