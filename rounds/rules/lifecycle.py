"""A poll's life in a meeting: draft, open, closed; which moves are legal; when votes count."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class PollState(StrEnum):
    """Where a poll round stands."""

    draft = "draft"
    open = "open"
    closed = "closed"


# Legal moves: a draft opens; an open poll closes; a closed poll may be reopened.
TRANSITIONS: dict[PollState, frozenset[PollState]] = {
    PollState.draft: frozenset({PollState.open}),
    PollState.open: frozenset({PollState.closed}),
    PollState.closed: frozenset({PollState.open}),
}


class IllegalTransition(ValueError):
    """A poll was asked to move to a state it cannot reach from where it is."""


class PollClosed(RuntimeError):
    """A vote arrived while the poll's current round does not accept votes."""


@dataclass(frozen=True)
class RoundInfo:
    """One round of a poll, as stored (or the implicit first round of a poll never managed)."""

    poll_id: str
    round: int
    state: PollState
    simulated: bool = False
    opened_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    archived: bool = False

    def effective_state(self, now: dt.datetime) -> PollState:
        """Return the state with the timer applied: an open round past its time is closed."""
        if self.state is PollState.open and self.closes_at is not None:
            closes_at = self.closes_at
            if closes_at.tzinfo is None:  # SQLite hands back naive UTC
                closes_at = closes_at.replace(tzinfo=dt.UTC)
            if now >= closes_at:
                return PollState.closed
        return self.state

    def seconds_left(self, now: dt.datetime) -> int | None:
        """Return whole seconds until the timer closes the round, if a timer runs."""
        if self.effective_state(now) is not PollState.open or self.closes_at is None:
            return None
        closes_at = self.closes_at.replace(tzinfo=self.closes_at.tzinfo or dt.UTC)
        return max(0, int((closes_at - now).total_seconds() + 0.999))


def implicit_round(poll_id: str) -> RoundInfo:
    """Return the round of a poll nobody has managed yet: round 1, open (self-paced use)."""
    return RoundInfo(poll_id=poll_id, round=1, state=PollState.open)


def can_transition(current: PollState, target: PollState) -> bool:
    """Tell whether a poll may move from `current` to `target`."""
    return target in TRANSITIONS[current]


def accepts_votes(info: RoundInfo, now: dt.datetime) -> bool:
    """Tell whether a vote on this round counts now."""
    return info.effective_state(now) is PollState.open
