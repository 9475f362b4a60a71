"""Self-assessment attempts and their answers. Every attempt is kept; scores come from rows."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, case, func, insert, select, update

from rounds.quiz import stored_result
from rounds.store.engine import upsert, utcnow
from rounds.store.tables import quiz_answers, quiz_attempts

PHASES = ("pre", "post")


@dataclass(frozen=True)
class Attempt:
    """One sitting of the self-assessment."""

    id: int
    phase: str
    seed: int
    finished: bool
    correct: int | None = None  # stored when it finishes


def _attempt(row) -> Attempt:
    return Attempt(row.id, row.phase, row.seed, row.finished_at is not None, row.correct)


def start_attempt(engine: Engine, participant_id: str, module: str, phase: str) -> Attempt:
    """Open a new attempt with its own shuffle seed."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    seed = random.SystemRandom().randrange(1, 2**31)
    with engine.begin() as conn:
        new_id = conn.execute(
            insert(quiz_attempts)
            .values(
                participant_id=participant_id,
                module=module,
                phase=phase,
                seed=seed,
                started_at=utcnow(),
            )
            .returning(quiz_attempts.c.id)
        ).scalar_one()
    return Attempt(new_id, phase, seed, False)


def latest_attempt(engine: Engine, participant_id: str, module: str, phase: str) -> Attempt | None:
    """Return the participant's most recent attempt in this phase, finished or not."""
    with engine.connect() as conn:
        row = conn.execute(
            select(quiz_attempts)
            .where(
                quiz_attempts.c.participant_id == participant_id,
                quiz_attempts.c.module == module,
                quiz_attempts.c.phase == phase,
            )
            .order_by(quiz_attempts.c.id.desc())
            .limit(1)
        ).first()
    return None if row is None else _attempt(row)


def record_answer(
    engine: Engine, attempt_id: int, question_key: str, option_key: str, is_correct: bool
) -> None:
    """Store an answer; a question already answered in this attempt keeps its first answer."""
    with engine.begin() as conn:
        upsert(
            conn,
            quiz_answers,
            {
                "attempt_id": attempt_id,
                "question_key": question_key,
                "option_key": option_key,
                "is_correct": is_correct,
                "answered_at": utcnow(),
            },
            keys=["attempt_id", "question_key"],
            update=[],
        )


def answers_of(engine: Engine, attempt_id: int) -> dict[str, str]:
    """Return {question key: option key} for the answers given in an attempt."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(quiz_answers.c.question_key, quiz_answers.c.option_key).where(
                quiz_answers.c.attempt_id == attempt_id
            )
        ).all()
    return dict(rows)


def finish_attempt(engine: Engine, attempt_id: int) -> None:
    """Mark an attempt finished, storing its result (see `rounds.quiz.stored_result`).

    Only the first call counts; repeating it changes nothing.
    """
    with engine.begin() as conn:
        answers = conn.execute(
            select(quiz_answers.c.question_key, quiz_answers.c.is_correct).where(
                quiz_answers.c.attempt_id == attempt_id
            )
        ).all()
        conn.execute(
            update(quiz_attempts)
            .where(quiz_attempts.c.id == attempt_id, quiz_attempts.c.finished_at.is_(None))
            .values(finished_at=utcnow(), **stored_result(answers))
        )


def _correct_per_attempt(module: str, phase: str):
    correct = func.sum(case((quiz_answers.c.is_correct, 1), else_=0))
    return (
        select(
            quiz_attempts.c.participant_id,
            quiz_attempts.c.id,
            func.coalesce(correct, 0).label("correct"),
        )
        .select_from(
            quiz_attempts.outerjoin(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        )
        .where(
            quiz_attempts.c.module == module,
            quiz_attempts.c.phase == phase,
            quiz_attempts.c.finished_at.is_not(None),
        )
        .group_by(quiz_attempts.c.participant_id, quiz_attempts.c.id)
    )


# One participant's finished attempts in a module, with the number correct in each, oldest
# first. Built once: the progress bar reads it on every page run of every learner.
FINISHED_SCORES = (
    select(
        quiz_attempts.c.phase,
        func.coalesce(func.sum(case((quiz_answers.c.is_correct, 1), else_=0)), 0).label("correct"),
    )
    .select_from(
        quiz_attempts.outerjoin(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
    )
    .where(
        quiz_attempts.c.participant_id == bindparam("participant"),
        quiz_attempts.c.module == bindparam("module"),
        quiz_attempts.c.finished_at.is_not(None),
    )
    .group_by(quiz_attempts.c.id, quiz_attempts.c.phase)
    .order_by(quiz_attempts.c.id)
)


def finished_scores(engine: Engine, participant_id: str, module: str, phase: str) -> list[int]:
    """Return the number correct in each finished attempt of this participant, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(FINISHED_SCORES, {"participant": participant_id, "module": module})
        return [int(row.correct) for row in rows if row.phase == phase]


def peer_best_scores(engine: Engine, module: str, phase: str, exclude: str) -> list[int]:
    """Return each other participant's best number correct over their finished attempts."""
    per_attempt = _correct_per_attempt(module, phase).subquery()
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(func.max(per_attempt.c.correct))
                .where(per_attempt.c.participant_id != exclude)
                .group_by(per_attempt.c.participant_id)
            ).scalars()
        )
