"""Self-assessment attempts and their answers. Every attempt is kept; scores come from rows."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select, update

from rounds.rules.quiz import stored_result
from rounds.store.engine import as_utc, upsert, utcnow
from rounds.store.tables import quiz_answers, quiz_attempts

PHASES = ("pre", "post")


@dataclass(frozen=True)
class Attempt:
    """One sitting of the self-assessment."""

    id: int
    phase: str
    seed: int
    correct: int | None = None  # stored when it finishes
    finished_at: dt.datetime | None = None

    @property
    def finished(self) -> bool:
        """Return whether the attempt is finished (every question answered)."""
        return self.finished_at is not None


def _attempt(row) -> Attempt:
    finished_at = as_utc(row.finished_at) if row.finished_at else None
    return Attempt(row.id, row.phase, row.seed, row.correct, finished_at)


def _insert_attempt(conn, participant_id: str, module: str, phase: str) -> Attempt:
    """Insert a new attempt with its own shuffle seed, on the caller's transaction."""
    if phase not in PHASES:
        raise ValueError(f"unknown phase {phase!r}")
    seed = random.SystemRandom().randrange(1, 2**31)
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
    return Attempt(new_id, phase, seed)


def start_attempt(engine: Engine, participant_id: str, module: str, phase: str) -> Attempt:
    """Open a new attempt with its own shuffle seed."""
    with engine.begin() as conn:
        return _insert_attempt(conn, participant_id, module, phase)


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


def _store_answer(conn, attempt_id: int, question_key: str, option_key: str, right: bool) -> None:
    upsert(
        conn,
        quiz_answers,
        {
            "attempt_id": attempt_id,
            "question_key": question_key,
            "option_key": option_key,
            "is_correct": right,
            "answered_at": utcnow(),
        },
        keys=["attempt_id", "question_key"],
        update=[],
    )


def _finish(conn, attempt_id: int) -> None:
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


def record_answer(
    engine: Engine, attempt_id: int, question_key: str, option_key: str, is_correct: bool
) -> None:
    """Store one answer alone, finishing nothing (imports and tests; the pages use `answer`)."""
    with engine.begin() as conn:
        _store_answer(conn, attempt_id, question_key, option_key, is_correct)


def answers_of(engine: Engine, attempt_id: int) -> dict[str, str]:
    """Return {question key: option key} for the answers given in an attempt."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(quiz_answers.c.question_key, quiz_answers.c.option_key).where(
                quiz_answers.c.attempt_id == attempt_id
            )
        ).all()
    return dict(rows)


def answer(
    engine: Engine,
    attempt_id: int,
    question_key: str,
    option_key: str,
    is_correct: bool,
    questions: int,
) -> bool:
    """Store an answer and, with the last of `questions`, finish the attempt; all or nothing.

    A question already answered keeps its first answer. Returns whether the attempt is finished.
    One transaction: a database failing half-way leaves no answered-but-unfinished attempt.
    """
    with engine.begin() as conn:
        _store_answer(conn, attempt_id, question_key, option_key, is_correct)
        answered = conn.execute(
            select(func.count()).where(quiz_answers.c.attempt_id == attempt_id)
        ).scalar_one()
        if answered < questions:
            return False
        _finish(conn, attempt_id)
    return True


def take_whole(
    engine: Engine,
    participant_id: str,
    module: str,
    phase: str,
    answers: dict[str, tuple[str, bool]],
) -> Attempt:
    """Store a whole attempt at once ({question: (option, right)}), finished; all or nothing."""
    with engine.begin() as conn:
        attempt = _insert_attempt(conn, participant_id, module, phase)
        for question_key, (option_key, right) in answers.items():
            _store_answer(conn, attempt.id, question_key, option_key, right)
        _finish(conn, attempt.id)
    return attempt


def finish_attempt(engine: Engine, attempt_id: int) -> None:
    """Mark an attempt finished, storing its result (see `rounds.rules.quiz.stored_result`).

    Only the first call counts; repeating it changes nothing. For an attempt left answered but
    unfinished by an older version that wrote in several transactions.
    """
    with engine.begin() as conn:
        _finish(conn, attempt_id)


def best_score_totals(engine: Engine, module: str, phase: str) -> tuple[int, int]:
    """Return how many participants finished `phase` and the sum of each one's best result.

    One pass over the attempts' stored results (not their answers), whatever the number of
    participants: the peers' average on every result page is taken from this.
    """
    best = (
        select(func.max(quiz_attempts.c.correct).label("best"))
        .where(
            quiz_attempts.c.module == module,
            quiz_attempts.c.phase == phase,
            quiz_attempts.c.finished_at.is_not(None),
        )
        .group_by(quiz_attempts.c.participant_id)
        .subquery()
    )
    with engine.connect() as conn:
        count, total = conn.execute(
            select(func.count(), func.coalesce(func.sum(best.c.best), 0))
        ).one()
    return int(count), int(total)
