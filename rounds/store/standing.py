"""Where one participant stands in one module, read from stored rows in one statement.

Every module page shows the learner's progress, and most pages then need some of the same rows
again (the self-assessment its attempts, the evaluation its answers, the poll the vote): one
statement reads them all, once per page run.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    Engine,
    Integer,
    String,
    bindparam,
    case,
    cast,
    literal,
    null,
    select,
    union_all,
)

from rounds.store.quiz import Attempt
from rounds.store.tables import evaluation_answers, events, quiz_attempts, votes

_PARTICIPANT, _MODULE, _POLL = bindparam("participant"), bindparam("module"), bindparam("poll")


def _fact(name: str, table, key=None, value=None, order=None, seed=None, finished=None):
    """Select one kind of fact as (fact, key, value, ord, seed, finished), the union's shape."""
    columns = [literal(name, String).label("fact")]
    for label, column, kind in (
        ("key", key, String),
        ("value", value, Integer),
        ("ord", order, Integer),
        ("seed", seed, Integer),
        ("finished", finished, Integer),
    ):
        columns.append(cast(null() if column is None else column, kind).label(label))
    return select(*columns).select_from(table)


# Built once, with bound parameters: it runs on every module page's run.
_STANDING = union_all(
    _fact("event", events, key=events.c.kind)
    .where(events.c.participant_id == _PARTICIPANT, events.c.module == _MODULE)
    .distinct(),
    _fact(
        "attempt",
        quiz_attempts,
        key=quiz_attempts.c.phase,
        value=quiz_attempts.c.correct,
        order=quiz_attempts.c.id,
        seed=quiz_attempts.c.seed,
        finished=case((quiz_attempts.c.finished_at.is_(None), 0), else_=1),
    ).where(quiz_attempts.c.participant_id == _PARTICIPANT, quiz_attempts.c.module == _MODULE),
    _fact(
        "answer",
        evaluation_answers,
        key=evaluation_answers.c.statement_key,
        value=evaluation_answers.c.value,
    ).where(
        evaluation_answers.c.module == _MODULE,
        evaluation_answers.c.participant_id == _PARTICIPANT,
    ),
    _fact("vote", votes, key=votes.c.option_key, order=votes.c.round).where(
        votes.c.poll_id == _POLL, votes.c.participant_id == _PARTICIPANT
    ),
)


@dataclass(frozen=True)
class Standing:
    """The stored rows behind a participant's progress through a module."""

    event_kinds: frozenset[str]
    attempts: tuple[Attempt, ...]  # every attempt, finished or not, oldest first
    evaluation: dict[str, int | None]  # statement key -> stored value (None: skipped)
    votes: dict[int, str]  # poll round -> the option voted for in it

    def scores(self, phase: str) -> list[int]:
        """Return the number correct of each finished attempt in `phase`, oldest first."""
        return [a.correct or 0 for a in self.attempts if a.phase == phase and a.finished]

    def latest(self, phase: str) -> Attempt | None:
        """Return the most recent attempt in `phase`, finished or not."""
        return next((a for a in reversed(self.attempts) if a.phase == phase), None)


def standing(engine: Engine, participant_id: str, module: str, poll_id: str) -> Standing:
    """Read a participant's events, attempts, evaluation answers and votes in a module."""
    params = {"participant": participant_id, "module": module, "poll": poll_id}
    with engine.connect() as conn:
        rows = conn.execute(_STANDING, params).all()
    attempts = sorted(
        (
            Attempt(r.ord, r.key, r.seed, bool(r.finished), r.value)
            for r in rows
            if r.fact == "attempt"
        ),
        key=lambda a: a.id,
    )
    return Standing(
        event_kinds=frozenset(r.key for r in rows if r.fact == "event"),
        attempts=tuple(attempts),
        evaluation={r.key: r.value for r in rows if r.fact == "answer"},
        votes={r.ord: r.key for r in rows if r.fact == "vote"},
    )
