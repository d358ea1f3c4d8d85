"""handoffs.read_up_to: the last transcript message the nurse looking after a chat has seen, for its unread count.

Revision ID: 0017_read_up_to
Revises: 0016_nurse_availability
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0017_read_up_to"
down_revision = "0016_nurse_availability"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("handoffs", sa.Column("read_up_to", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE handoffs DROP COLUMN read_up_to")
