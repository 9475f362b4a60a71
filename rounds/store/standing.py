"""Where one participant stands in one module, read from stored rows in one round trip."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, bindparam, literal, select

from rounds.store.quiz import FINISHED_SCORES
from rounds.store.tables import evaluation_answers, events, votes

# Built once (bound parameters, not values): the progress bar runs these on every page run.
_KINDS = (
    select(events.c.kind)
    .where(
        events.c.participant_id == bindparam("participant"),
        events.c.module == bindparam("module"),
    )
    .distinct()
)
_EVALUATED = (
    select(literal(1))
    .where(
        evaluation_answers.c.module == bindparam("module"),
        evaluation_answers.c.participant_id == bindparam("participant"),
    )
    .limit(1)
)
_VOTED = (
    select(literal(1))
    .where(votes.c.poll_id == bindparam("poll"), votes.c.participant_id == bindparam("participant"))
    .limit(1)
)


@dataclass(frozen=True)
class Standing:
    """The stored facts behind a participant's progress through a module."""

    event_kinds: frozenset[str]
    scores: dict[str, list[int]]  # phase -> number correct per finished attempt, oldest first
    evaluated: bool
    voted: bool


def standing(engine: Engine, participant_id: str, module: str, poll_id: str) -> Standing:
    """Read a participant's events, finished attempts, evaluation and vote in a module."""
    params = {"participant": participant_id, "module": module, "poll": poll_id}
    with engine.connect() as conn:
        kinds = frozenset(conn.execute(_KINDS, params).scalars())
        scores: dict[str, list[int]] = {"pre": [], "post": []}
        for row in conn.execute(FINISHED_SCORES, params):
            scores.setdefault(row.phase, []).append(int(row.correct))
        evaluated = conn.execute(_EVALUATED, params).first() is not None
        voted = bool(poll_id) and conn.execute(_VOTED, params).first() is not None
    return Standing(kinds, scores, evaluated, voted)
