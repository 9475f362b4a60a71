"""Issued certificates: an id an educator can verify, with no name stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the table."""
    op.create_table(
        "certificates",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("module", sa.String(length=80), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", "module", name="uq_certificates_participant_module"),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("certificates")
