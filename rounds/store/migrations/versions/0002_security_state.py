"""Security state every replica shares: sign-in throttle counts, used tokens, educator sign-ins.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the tables."""
    op.create_table(
        "educator_sessions",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "used_tokens",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
    )
    with op.batch_alter_table("used_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_used_tokens_used_at", ["used_at"], unique=False)


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table("used_tokens", schema=None) as batch_op:
        batch_op.drop_index("ix_used_tokens_used_at")
    op.drop_table("used_tokens")
    op.drop_table("throttle")
    op.drop_table("educator_sessions")
