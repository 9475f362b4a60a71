"""Poll votes: one row per participant, poll and round; a changed vote updates that row."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from rounds.rules.lifecycle import PollClosed, RehearsalRunning, accepts_votes
from rounds.store.engine import upsert, utcnow
from rounds.store.polls import current_round_in
from rounds.store.tables import votes


def record_vote(engine: Engine, poll_id: str, participant_id: str, option_key: str) -> int:
    """Store (or change) a vote in the poll's current round; return that round.

    Repeating the same call changes nothing. Raises `PollClosed` if the round takes no votes,
    `RehearsalRunning` (a `PollClosed`) if it is a rehearsal: real votes never mix with
    simulated ones.
    """
    now = utcnow()
    with engine.begin() as conn:
        info = current_round_in(conn, poll_id)
        if not accepts_votes(info, now):
            if info.simulated:
                raise RehearsalRunning(f"poll {poll_id} round {info.round} is a rehearsal")
            raise PollClosed(f"poll {poll_id} round {info.round} is not open")
        upsert(
            conn,
            votes,
            {
                "poll_id": poll_id,
                "round": info.round,
                "participant_id": participant_id,
                "option_key": option_key,
                "created_at": now,
                "updated_at": now,
            },
            keys=["poll_id", "round", "participant_id"],
            update=["option_key", "updated_at"],
        )
    return info.round


def vote_counts(engine: Engine, poll_id: str, round_no: int) -> dict[str, int]:
    """Count the stored votes per option key in one round."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(votes.c.option_key, func.count())
            .where(votes.c.poll_id == poll_id, votes.c.round == round_no)
            .group_by(votes.c.option_key)
        ).all()
    return {key: count for key, count in rows}
