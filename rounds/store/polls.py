"""Poll rounds: the current round of a poll, its state changes, resets and rehearsal rounds."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from sqlalchemy import Connection, Engine, insert, select, update

from rounds.rules.lifecycle import (
    IllegalTransition,
    PollState,
    RoundInfo,
    can_transition,
    implicit_round,
)
from rounds.store.engine import utcnow
from rounds.store.participants import new_participant_id
from rounds.store.tables import attestations, participants, poll_rounds, votes

SIMULATED_VERSION = "simulated"


def _info(row) -> RoundInfo:
    return RoundInfo(
        poll_id=row.poll_id,
        round=row.round,
        state=PollState(row.state),
        simulated=bool(row.simulated),
        opened_at=row.opened_at,
        closes_at=row.closes_at,
        archived=row.archived_at is not None,
    )


def current_round_in(conn: Connection, poll_id: str) -> RoundInfo:
    """Return the poll's current (newest) round, read on an open connection."""
    row = conn.execute(
        select(poll_rounds)
        .where(poll_rounds.c.poll_id == poll_id, poll_rounds.c.archived_at.is_(None))
        .order_by(poll_rounds.c.round.desc())
        .limit(1)
    ).first()
    return implicit_round(poll_id) if row is None else _info(row)


def current_round(engine: Engine, poll_id: str) -> RoundInfo:
    """Return the poll's current round (round 1, open, if it was never managed)."""
    with engine.connect() as conn:
        return current_round_in(conn, poll_id)


def all_rounds(engine: Engine, poll_id: str) -> list[RoundInfo]:
    """Return every stored round of the poll, oldest first (archived ones included)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(poll_rounds)
            .where(poll_rounds.c.poll_id == poll_id)
            .order_by(poll_rounds.c.round)
        ).all()
    return [_info(r) for r in rows] or [implicit_round(poll_id)]


def _ensure_stored(conn: Connection, info: RoundInfo, now: dt.datetime) -> None:
    exists = conn.execute(
        select(poll_rounds.c.round).where(
            poll_rounds.c.poll_id == info.poll_id, poll_rounds.c.round == info.round
        )
    ).first()
    if exists is None:
        conn.execute(
            insert(poll_rounds).values(
                poll_id=info.poll_id,
                round=info.round,
                state=info.state.value,
                simulated=info.simulated,
                created_at=now,
                opened_at=now if info.state is PollState.open else None,
            )
        )


def set_state(
    engine: Engine, poll_id: str, target: PollState, *, close_after: int | None = None
) -> RoundInfo:
    """Move the current round to `target` (a timer of `close_after` seconds when opening)."""
    now = utcnow()
    with engine.begin() as conn:
        info = current_round_in(conn, poll_id)
        state = info.effective_state(now)
        if state is target and target is PollState.closed:
            return info  # closing twice (a double click, or the timer won): nothing to do
        if not can_transition(state, target) and not (state is target is PollState.open):
            raise IllegalTransition(f"a {state.value} poll cannot become {target.value}")
        _ensure_stored(conn, info, now)
        values: dict = {"state": target.value}
        if target is PollState.open:
            values |= {"opened_at": now, "closed_at": None, "closes_at": None}
            if close_after:
                values["closes_at"] = now + dt.timedelta(seconds=close_after)
        else:
            values["closed_at"] = now
        conn.execute(
            update(poll_rounds)
            .where(poll_rounds.c.poll_id == poll_id, poll_rounds.c.round == info.round)
            .values(**values)
        )
        return current_round_in(conn, poll_id)


def reset(engine: Engine, poll_id: str, *, simulated: bool = False) -> RoundInfo:
    """Archive the current round (its votes are kept) and start a new draft round."""
    now = utcnow()
    with engine.begin() as conn:
        info = current_round_in(conn, poll_id)
        _ensure_stored(conn, info, now)
        conn.execute(
            update(poll_rounds)
            .where(poll_rounds.c.poll_id == poll_id, poll_rounds.c.round == info.round)
            .values(
                archived_at=now,
                state=PollState.closed.value,
                closed_at=now if info.effective_state(now) is PollState.open else None,
            )
        )
        newest = conn.execute(
            select(poll_rounds.c.round)
            .where(poll_rounds.c.poll_id == poll_id)
            .order_by(poll_rounds.c.round.desc())
            .limit(1)
        ).scalar_one()
        conn.execute(
            insert(poll_rounds).values(
                poll_id=poll_id,
                round=newest + 1,
                state=PollState.draft.value,
                simulated=simulated,
                created_at=now,
            )
        )
        return current_round_in(conn, poll_id)


def simulate_round(
    engine: Engine,
    poll_id: str,
    option_keys: Sequence[str],
    professions: Sequence[str],
    voters: int = 60,
    seed: int | None = None,
) -> RoundInfo:
    """Start a rehearsal round filled with marked, simulated votes from synthetic participants."""
    rng = random.Random(seed)
    info = reset(engine, poll_id, simulated=True)
    weights = [rng.uniform(0.5, 3.0) for _ in option_keys]
    now = utcnow()
    people = [new_participant_id() for _ in range(voters)]
    with engine.begin() as conn:
        conn.execute(
            insert(participants),
            [{"id": pid, "created_at": now, "simulated": True} for pid in people],
        )
        conn.execute(
            insert(attestations),
            [
                {
                    "participant_id": pid,
                    "attested_at": now,
                    "text_version": SIMULATED_VERSION,
                    "profession": rng.choice(professions),
                    "country": None,
                }
                for pid in people
            ],
        )
        conn.execute(
            insert(votes),
            [
                {
                    "poll_id": poll_id,
                    "round": info.round,
                    "participant_id": pid,
                    "option_key": rng.choices(option_keys, weights)[0],
                    "created_at": now,
                    "updated_at": now,
                }
                for pid in people
            ],
        )
    return set_state(engine, poll_id, PollState.open)
