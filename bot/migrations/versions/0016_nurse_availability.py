"""nurses.availability and handoffs.urgent_alerted_at: who is available for alerts, and the last urgent reminder.

An available nurse is alerted when someone urgent arrives; an away nurse is not. Every account starts
available, as every nurse was alerted before. An urgent chat left unclaimed is alerted again, at most
once per HELPLINE_URGENT_REALERT_MINUTES: urgent_alerted_at is when it last was.

Revision ID: 0016_nurse_availability
Revises: 0015_usage_count_detail
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_nurse_availability"
down_revision = "0015_usage_count_detail"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE ADD COLUMN: a batch rebuild of `nurses` would fail on the rows that refer to it.
    op.add_column("nurses", sa.Column("availability", sa.String(10), nullable=False, server_default="available"))
    op.add_column("handoffs", sa.Column("urgent_alerted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # ALTER TABLE DROP COLUMN (SQLite 3.35 and later, PostgreSQL), for the same reason.
    op.execute("ALTER TABLE handoffs DROP COLUMN urgent_alerted_at")
    op.execute("ALTER TABLE nurses DROP COLUMN availability")
