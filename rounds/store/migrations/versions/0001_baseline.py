"""The schema as it stood before Alembic: what schema version 4 of the old migrations built.

A database made by those (a `schema_info` table) is brought to version 4 by the legacy
bridge in `rounds.store.engine` and stamped with this revision.

Revision ID: 0001
Revises:
Create Date: 2026-12-02 13:28:12.156454

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table(
        "participants",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("simulated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.create_index(
            "ix_participants_simulated",
            ["id"],
            unique=False,
            sqlite_where=sa.text("simulated = 1"),
            postgresql_where=sa.text("simulated"),
        )

    op.create_table(
        "poll_rounds",
        sa.Column("poll_id", sa.String(length=160), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("simulated", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("poll_id", "round"),
    )
    op.create_table(
        "attestations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("attested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_version", sa.String(length=40), nullable=False),
        sa.Column("profession", sa.String(length=64), nullable=False),
        sa.Column("country", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_attestations_participant",
            ["participant_id", "id", "attested_at", "profession"],
            unique=False,
        )

    op.create_table(
        "evaluation_answers",
        sa.Column("module", sa.String(length=80), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("statement_key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
        ),
        sa.PrimaryKeyConstraint("module", "participant_id", "statement_key"),
    )
    with op.batch_alter_table("evaluation_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_evaluation_answers_participant",
            ["module", "participant_id", "answered_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_evaluation_answers_summary",
            ["module", "statement_key", "value", "answered_at", "participant_id"],
            unique=False,
        )

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("module", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_module_kind", ["module", "kind", "participant_id", "at"], unique=False
        )
        batch_op.create_index(
            "ix_events_participant_module", ["participant_id", "module"], unique=False
        )

    op.create_table(
        "quiz_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("module", sa.String(length=80), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("question_set", sa.BigInteger(), nullable=True),
        sa.Column("correct_mask", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_attempts_participant", ["participant_id", "module", "phase"], unique=False
        )
        batch_op.create_index(
            "ix_quiz_attempts_scores",
            [
                "module",
                "phase",
                "participant_id",
                "finished_at",
                "correct",
                "question_set",
                "correct_mask",
                "id",
            ],
            unique=False,
        )

    op.create_table(
        "votes",
        sa.Column("poll_id", sa.String(length=160), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.String(length=36), nullable=False),
        sa.Column("option_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
        ),
        sa.PrimaryKeyConstraint("poll_id", "round", "participant_id"),
    )
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_votes_participant",
            ["poll_id", "participant_id", "round", "option_key", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_votes_round",
            ["poll_id", "round", "option_key", "created_at", "participant_id"],
            unique=False,
        )

    op.create_table(
        "quiz_answers",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_key", sa.String(length=64), nullable=False),
        sa.Column("option_key", sa.String(length=64), nullable=False),
        sa.Column("is_correct", sa.Boolean(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempts.id"],
        ),
        sa.PrimaryKeyConstraint("attempt_id", "question_key"),
    )
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_quiz_answers_question", ["question_key", "is_correct", "attempt_id"], unique=False
        )


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table("quiz_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_answers_question")

    op.drop_table("quiz_answers")
    with op.batch_alter_table("votes", schema=None) as batch_op:
        batch_op.drop_index("ix_votes_round")
        batch_op.drop_index("ix_votes_participant")

    op.drop_table("votes")
    with op.batch_alter_table("quiz_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_quiz_attempts_scores")
        batch_op.drop_index("ix_quiz_attempts_participant")

    op.drop_table("quiz_attempts")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_participant_module")
        batch_op.drop_index("ix_events_module_kind")

    op.drop_table("events")
    with op.batch_alter_table("evaluation_answers", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_answers_summary")
        batch_op.drop_index("ix_evaluation_answers_participant")

    op.drop_table("evaluation_answers")
    with op.batch_alter_table("attestations", schema=None) as batch_op:
        batch_op.drop_index("ix_attestations_participant")

    op.drop_table("attestations")
    op.drop_table("poll_rounds")
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_participants_simulated",
            sqlite_where=sa.text("simulated = 1"),
            postgresql_where=sa.text("simulated"),
        )

    op.drop_table("participants")
