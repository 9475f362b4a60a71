"""Where one participant stands in one module, read from stored rows in one statement."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, Integer, String, bindparam, cast, literal, null, select, union_all

from rounds.store.tables import evaluation_answers, events, quiz_attempts, votes

_PARTICIPANT, _MODULE, _POLL = bindparam("participant"), bindparam("module"), bindparam("poll")


def _fact(name: str, detail, number, order, query):
    """Shape one kind of fact as (fact, detail, number, ord) for the union below."""
    return query.add_columns(
        literal(name, String).label("fact"),
        cast(detail, String).label("detail"),
        cast(number, Integer).label("number"),
        cast(order, Integer).label("ord"),
    )


_EXISTS_EVALUATED = (
    select(literal(1).label("one"))
    .where(
        evaluation_answers.c.module == _MODULE, evaluation_answers.c.participant_id == _PARTICIPANT
    )
    .limit(1)
    .subquery()
)
# Built once, with bound parameters: the progress bar runs this on every page run, and one round
# trip costs less than four.
_STANDING = union_all(
    _fact("event", events.c.kind, null(), null(), select())
    .where(events.c.participant_id == _PARTICIPANT, events.c.module == _MODULE)
    .distinct(),
    _fact(
        "attempt", quiz_attempts.c.phase, quiz_attempts.c.correct, quiz_attempts.c.id, select()
    ).where(
        quiz_attempts.c.participant_id == _PARTICIPANT,
        quiz_attempts.c.module == _MODULE,
        quiz_attempts.c.finished_at.is_not(None),
    ),
    _fact("evaluated", null(), null(), null(), select().select_from(_EXISTS_EVALUATED)),
    _fact("vote", votes.c.option_key, null(), votes.c.round, select()).where(
        votes.c.poll_id == _POLL, votes.c.participant_id == _PARTICIPANT
    ),
)


@dataclass(frozen=True)
class Standing:
    """The stored facts behind a participant's progress through a module."""

    event_kinds: frozenset[str]
    scores: dict[str, list[int]]  # phase -> number correct per finished attempt, oldest first
    evaluated: bool
    votes: dict[int, str]  # poll round -> the option voted for in it


def standing(engine: Engine, participant_id: str, module: str, poll_id: str) -> Standing:
    """Read a participant's events, finished attempts, evaluation and votes in a module."""
    params = {"participant": participant_id, "module": module, "poll": poll_id}
    with engine.connect() as conn:
        rows = conn.execute(_STANDING, params).all()
    kinds = frozenset(r.detail for r in rows if r.fact == "event")
    scores: dict[str, list[int]] = {"pre": [], "post": []}
    for row in sorted((r for r in rows if r.fact == "attempt"), key=lambda r: r.ord):
        scores.setdefault(row.detail, []).append(int(row.number or 0))
    evaluated = any(r.fact == "evaluated" for r in rows)
    votes_by_round = {int(r.ord): r.detail for r in rows if r.fact == "vote"}
    return Standing(kinds, scores, evaluated, votes_by_round)
