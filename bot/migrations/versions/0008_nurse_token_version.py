"""Nurse sessions can be ended: each token carries the account's token version, raised on sign-out and deactivation.

Revision ID: 0008_nurse_token_version
Revises: 0007_content_questions
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_nurse_token_version"
down_revision = "0007_content_questions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("nurses", schema=None) as batch_op:
        batch_op.drop_column("token_version")
