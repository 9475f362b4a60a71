"""Meeting sessions: which item of a module's session is live, and the revealed checks.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the tables."""
    op.create_table(
        "meeting_sessions",
        sa.Column("module", sa.String(length=80), nullable=False),
        sa.Column("live_item", sa.String(length=160), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("module"),
    )
    op.create_table(
        "check_reveals",
        sa.Column("poll_id", sa.String(length=160), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("poll_id", "round"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("check_reveals")
    op.drop_table("meeting_sessions")
