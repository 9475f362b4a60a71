"""Where one participant stands in one module, read from stored rows in one statement.

Every module page shows the learner's progress, and most pages then need some of the same rows
again (the self-assessment its attempts and answers, the evaluation its answers, the poll the
vote, the completion page the times): one statement reads them all, once per page run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import (
    DateTime,
    Engine,
    Integer,
    String,
    bindparam,
    cast,
    func,
    literal_column,
    null,
    select,
    type_coerce,
    union_all,
)

from rounds.content.schema import Module
from rounds.rules.progress import Progress, poll_id, progress_of
from rounds.store.engine import as_utc
from rounds.store.quiz import Attempt
from rounds.store.tables import evaluation_answers, events, quiz_answers, quiz_attempts, votes

_PARTICIPANT, _MODULE, _POLL = bindparam("participant"), bindparam("module"), bindparam("poll")
_COLUMNS = {  # the union's shape: every kind of fact fills the columns it needs
    "key": String,
    "detail": String,
    "value": Integer,
    "ord": Integer,
    "seed": Integer,
    "first_at": DateTime(timezone=True),
    "last_at": DateTime(timezone=True),
}


def _fact(name: str, table, **columns):
    """Select one kind of fact as (fact, key, detail, value, ord, seed, first, last)."""
    # The fact's name as a constant in the SQL text, not a bound value: the statement has fewer
    # parameters to fill on every run.
    selected = [literal_column(f"'{name}'", String).label("fact")]
    for label, kind in _COLUMNS.items():
        column = columns.get(label)
        if isinstance(kind, DateTime):  # no SQL cast: SQLite would turn a time into a number
            selected.append(type_coerce(null() if column is None else column, kind).label(label))
        else:
            selected.append(cast(null() if column is None else column, kind).label(label))
    return select(*selected).select_from(table)


_ANSWERED = quiz_answers.join(quiz_attempts, quiz_answers.c.attempt_id == quiz_attempts.c.id)
_MINE = (quiz_attempts.c.participant_id == _PARTICIPANT, quiz_attempts.c.module == _MODULE)

# Built once, with bound parameters: it runs on every module page's run.
_STANDING = union_all(
    _fact(
        "event",
        events,
        key=events.c.kind,
        first_at=func.min(events.c.at),
        last_at=func.max(events.c.at),
    )
    .where(events.c.participant_id == _PARTICIPANT, events.c.module == _MODULE)
    .group_by(events.c.kind),
    _fact(
        "attempt",
        quiz_attempts,
        key=quiz_attempts.c.phase,
        value=quiz_attempts.c.correct,
        ord=quiz_attempts.c.id,
        seed=quiz_attempts.c.seed,
        first_at=quiz_attempts.c.finished_at,
    ).where(*_MINE),
    _fact(
        "quiz_answer",
        _ANSWERED,
        key=quiz_answers.c.question_key,
        detail=quiz_answers.c.option_key,
        ord=quiz_answers.c.attempt_id,
    ).where(*_MINE),
    _fact(
        "evaluation_answer",
        evaluation_answers,
        key=evaluation_answers.c.statement_key,
        value=evaluation_answers.c.value,
    ).where(
        evaluation_answers.c.module == _MODULE,
        evaluation_answers.c.participant_id == _PARTICIPANT,
    ),
    _fact("vote", votes, key=votes.c.option_key, ord=votes.c.round).where(
        votes.c.poll_id == _POLL, votes.c.participant_id == _PARTICIPANT
    ),
)


@dataclass(frozen=True)
class Standing:
    """The stored rows behind a participant's progress through a module."""

    events: dict[str, tuple[dt.datetime, dt.datetime]]  # kind -> (first, last), in UTC
    attempts: tuple[Attempt, ...]  # every attempt, finished or not, oldest first
    answers: dict[int, dict[str, str]]  # attempt id -> question key -> option chosen
    evaluation: dict[str, int | None]  # statement key -> stored value (None: skipped)
    votes: dict[int, str]  # poll round -> the option voted for in it

    @property
    def event_kinds(self) -> frozenset[str]:
        """Return the kinds of progress event recorded."""
        return frozenset(self.events)

    def scores(self, phase: str) -> list[int]:
        """Return the number correct of each finished attempt in `phase`, oldest first."""
        return [a.correct or 0 for a in self.attempts if a.phase == phase and a.finished]

    def latest(self, phase: str) -> Attempt | None:
        """Return the most recent attempt in `phase`, finished or not."""
        return next((a for a in reversed(self.attempts) if a.phase == phase), None)

    def time_span(self) -> dt.timedelta | None:
        """Return the time from the first to the last progress event, if any."""
        if not self.events:
            return None
        return max(last for _, last in self.events.values()) - min(
            first for first, _ in self.events.values()
        )


def standing(engine: Engine, participant_id: str, module: str, poll_id: str) -> Standing:
    """Read a participant's events, attempts and answers, evaluation and votes in a module."""
    params = {"participant": participant_id, "module": module, "poll": poll_id}
    with engine.connect() as conn:
        rows = conn.execute(_STANDING, params).all()
    attempts = sorted(
        (
            Attempt(
                r.ord,
                r.key,
                r.seed,
                r.value,
                as_utc(r.first_at) if r.first_at else None,
            )
            for r in rows
            if r.fact == "attempt"
        ),
        key=lambda a: a.id,
    )
    answers: dict[int, dict[str, str]] = {a.id: {} for a in attempts}
    for r in rows:
        if r.fact == "quiz_answer":
            answers.setdefault(r.ord, {})[r.key] = r.detail
    return Standing(
        events={r.key: (as_utc(r.first_at), as_utc(r.last_at)) for r in rows if r.fact == "event"},
        attempts=tuple(attempts),
        answers=answers,
        evaluation={r.key: r.value for r in rows if r.fact == "evaluation_answer"},
        votes={r.ord: r.key for r in rows if r.fact == "vote"},
    )


def load_progress(engine: Engine, participant_id: str, module: Module) -> Progress:
    """Read a participant's progress through a module from the database."""
    return progress_of(module, standing(engine, participant_id, module.slug, poll_id(module)))
