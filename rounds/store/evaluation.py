"""Evaluation answers: one row per participant and statement, revisable; NULL means skipped."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from rounds.store.engine import upsert, utcnow
from rounds.store.tables import evaluation_answers


def save_evaluation(
    engine: Engine, module: str, participant_id: str, answers: dict[str, int | None]
) -> None:
    """Store (or revise) a participant's answers, all statements in one transaction."""
    now = utcnow()
    with engine.begin() as conn:
        for statement_key, value in answers.items():
            upsert(
                conn,
                evaluation_answers,
                {
                    "module": module,
                    "participant_id": participant_id,
                    "statement_key": statement_key,
                    "value": value,
                    "answered_at": now,
                },
                keys=["module", "participant_id", "statement_key"],
                update=["value", "answered_at"],
            )


def evaluation_counts(engine: Engine, module: str) -> list[tuple[str, int | None, int]]:
    """Return (statement key, value or None for skipped, count) over all participants."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(evaluation_answers.c.statement_key, evaluation_answers.c.value, func.count())
            .where(evaluation_answers.c.module == module)
            .group_by(evaluation_answers.c.statement_key, evaluation_answers.c.value)
        ).all()
    return [tuple(r) for r in rows]
