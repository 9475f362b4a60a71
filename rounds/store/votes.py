"""Poll votes: one row per participant, poll and round; a changed vote updates that row."""

from __future__ import annotations

from sqlalchemy import Engine, func, select

from rounds.store.engine import upsert, utcnow
from rounds.store.tables import votes


def record_vote(
    engine: Engine, poll_id: str, participant_id: str, option_key: str, round_no: int = 1
) -> None:
    """Store (or change) a participant's vote; repeating the same call changes nothing."""
    now = utcnow()
    with engine.begin() as conn:
        upsert(
            conn,
            votes,
            {
                "poll_id": poll_id,
                "round": round_no,
                "participant_id": participant_id,
                "option_key": option_key,
                "created_at": now,
                "updated_at": now,
            },
            keys=["poll_id", "round", "participant_id"],
            update=["option_key", "updated_at"],
        )


def vote_of(engine: Engine, poll_id: str, participant_id: str, round_no: int = 1) -> str | None:
    """Return the option key this participant chose, or None."""
    with engine.connect() as conn:
        return conn.execute(
            select(votes.c.option_key).where(
                votes.c.poll_id == poll_id,
                votes.c.round == round_no,
                votes.c.participant_id == participant_id,
            )
        ).scalar()


def tally(engine: Engine, poll_id: str, round_no: int = 1) -> dict[str, int]:
    """Count the stored votes per option key."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(votes.c.option_key, func.count())
            .where(votes.c.poll_id == poll_id, votes.c.round == round_no)
            .group_by(votes.c.option_key)
        ).all()
    return {key: count for key, count in rows}
