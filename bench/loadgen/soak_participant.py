"""A learner who stays on the live poll and keeps changing their vote (the soak run).

After the gate they vote, then every few seconds pick a different option and vote again, with
the live-results stream open throughout, until the run's end. The page must confirm each vote
("Your vote: **<label>**"); the last confirmed label is what the database must hold at the end.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

from streamlit.proto.Alert_pb2 import Alert

from bench.loadgen.live import LiveResults
from bench.loadgen.participant import (
    Record,
    not_acknowledged,
    open_poll,
    own_vote,
    pass_gate,
    pick,
    vote,
)
from stclient.session import Session, SessionError


@dataclass
class SoakPlan:
    """What every soak participant does and how long they wait."""

    page: str = "poll"
    query: str = "module=asparaginase-aya-all"
    every: tuple[float, float] = (10.0, 40.0)  # seconds between one vote and the next change
    think: tuple[float, float] = (0.5, 2.0)  # seconds between picking an option and voting
    timeout: float = 60.0
    assets: bool = True


@dataclass(frozen=True)
class Ballot:
    """One press of the vote button: the option, when, how long until the page answered."""

    label: str
    sent_at: float
    rtt: float | None
    acknowledged: bool


@dataclass
class SoakRecord(Record):
    """A soak participant's record: the join steps of `Record` plus every ballot cast."""

    ballots: list[Ballot] = field(default_factory=list)
    error_alerts: int = 0  # `st.error` boxes the page drew after a vote (not saved, outage)

    @property
    def final_choice(self) -> str | None:
        """Return the label of the last vote the page confirmed, or None."""
        confirmed = [b.label for b in self.ballots if b.acknowledged]
        return confirmed[-1] if confirmed else None


async def keep_voting(
    record: SoakRecord,
    host: str,
    port: int,
    plan: SoakPlan,
    rng: random.Random,
    end_at: float,
    connecting: asyncio.Semaphore | None = None,
) -> None:
    """Join the poll, then vote and change the vote until `end_at` (time.monotonic())."""
    session = Session(host, port, plan.page, plan.query, timeout=plan.timeout)
    live = LiveResults(session, record.observe_total, assets=plan.assets)
    record.counters, record.live = session.counters, live.counters
    try:
        await open_poll(record, session, live, connecting)
        await pass_gate(record, session, live)
        if record.participant_id is None:
            raise SessionError("no participant id: the gate drew no hand-off image")
        current: str | None = None
        pause = rng.uniform(*plan.think)
        while time.monotonic() + pause + plan.think[1] < end_at:
            await asyncio.sleep(pause)
            if session.closed_reason:
                raise SessionError(session.closed_reason)
            record.step = "pick"
            label = rng.choice([o for o in session.options("poll_choice") if o != current])
            await pick(session, live, label)
            await asyncio.sleep(rng.uniform(*plan.think))
            record.step = "vote"
            await _cast(record, session, live, label)
            current = label
            record.step = "stay"
            pause = rng.uniform(*plan.every)
        await asyncio.sleep(max(0.0, end_at - time.monotonic()))  # stay on the results
        if session.closed_reason:
            raise SessionError(session.closed_reason)
    except (SessionError, OSError, TimeoutError) as exc:
        record.error = f"{record.step}: {type(exc).__name__}: {exc}"[:300]
    except asyncio.CancelledError:
        record.error = f"{record.step}: cut off by the run's deadline"
        raise
    finally:
        record.closed_at = time.time()
        await live.close()
        await session.close()


async def _cast(record: SoakRecord, session: Session, live: LiveResults, label: str) -> None:
    """Vote for `label` and require the page to confirm exactly that choice."""
    sent_at = time.time()
    try:
        run, rtt = await vote(session, live)
    except (SessionError, OSError, TimeoutError):
        record.ballots.append(Ballot(label, sent_at, None, acknowledged=False))
        raise
    shown = own_vote(run)
    record.error_alerts += sum(
        1 for kind, el in run.elements if kind == "alert" and el.format == Alert.Format.ERROR
    )
    record.ballots.append(Ballot(label, sent_at, rtt, acknowledged=shown == label))
    if shown != label:
        raise SessionError(not_acknowledged(run, label, shown, live.total_shown()))
