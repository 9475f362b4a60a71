"""One simulated learner on the live poll: open it, pass the gate, vote, watch the results.

Every step waits for the run it causes, with the session's timeout; a failure ends this
participant (recorded in `error`), never the whole load run.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import random
import re
import time
from dataclasses import dataclass, field

from itsdangerous import URLSafeTimedSerializer

from bench.loadgen import replay
from bench.loadgen.live import LiveCounters, LiveResults
from stclient.session import RunResult, Session, SessionCounters, SessionError

RESULTS_HEADER = re.compile(r"Results so far \(n = (\d+)\)")
ATTEST_IMAGE = re.compile(r"\]\((_rounds/attest\?t=[^)\s]+)\)")
OWN_VOTE = re.compile(r"Your vote: \*\*(.+?)\*\*")


@dataclass
class Plan:
    """What every participant does, and how long they wait between steps."""

    page: str = "poll"
    query: str = "module=asparaginase-aya-all"
    stay: float = 20.0
    think: tuple[float, float] = (1.0, 3.0)
    timeout: float = 60.0
    assets: bool = True  # load the live-results iframe's files (its page, style and script)
    recording: replay.Recording | None = None  # replay a real join's other requests too


@dataclass
class Record:
    """What happened to one participant, with wall-clock times (time.time())."""

    index: int
    participant_id: str | None = None
    opened_at: float | None = None
    session_start: float | None = None
    static_load: float | None = None  # the recorded page-load requests, all six connections
    replayed: replay.Fetched | None = None
    gate_rtt: float | None = None
    choice_rtt: float | None = None
    vote_sent_at: float | None = None
    vote_rtt: float | None = None
    acknowledged: bool = False
    voted_n: int | None = None
    closed_at: float | None = None
    step: str = "waiting"
    error: str | None = None
    seen: list[tuple[float, int]] = field(default_factory=list)  # (time, n) as n grows
    counters: SessionCounters | None = None
    live: LiveCounters | None = None

    def observe(self, at: float, heading: str) -> None:
        """Note a results header drawn by the page (the fragment design)."""
        found = RESULTS_HEADER.fullmatch(heading.strip())
        if found is not None:
            self.observe_total(at, int(found.group(1)))

    def observe_total(self, at: float, total: int) -> None:
        """Note a results total shown; keep it only when it is higher than any before."""
        if not self.seen or total > self.seen[-1][1]:
            self.seen.append((at, total))

    def first_seen(self, total: int) -> float | None:
        """Return when this participant first saw a results total of at least `total`."""
        # `seen` grows in both time and total, so the first total >= `total` is found by bisection.
        at = bisect.bisect_left(self.seen, total, key=lambda pair: pair[1])
        return self.seen[at][0] if at < len(self.seen) else None


def participant_of(token: str) -> str | None:
    """Read the participant id out of a hand-off token (signed, not encrypted; unverified)."""
    _, payload = URLSafeTimedSerializer("unused").loads_unsafe(token)
    return payload.get("p") if isinstance(payload, dict) else None


def _results_total(run: RunResult, live: LiveResults) -> int | None:
    """Return the results total a run shows: in a heading, or in the live-results component."""
    for body in run.texts("heading"):
        found = RESULTS_HEADER.fullmatch(body.strip())
        if found:
            return int(found.group(1))
    return live.total_shown()


def own_vote(run: RunResult) -> str | None:
    """Return the label of the participant's own vote as a run shows it, or None."""
    for body in run.texts("markdown"):
        if found := OWN_VOTE.search(body):
            return found.group(1)
    return None


async def open_poll(
    record: Record,
    session: Session,
    live: LiveResults,
    connecting: asyncio.Semaphore | None = None,
    recording: replay.Recording | None = None,
) -> None:
    """Load the poll page and open its websocket; the first run must draw the gate form.

    With a `recording`, first fetch what a browser fetches at page load besides the page
    itself (Streamlit's scripts, styles and fonts): the first run cannot start without them.
    """
    record.step = "open"
    async with connecting or contextlib.nullcontext():
        record.opened_at = time.time()
        if recording is not None:
            started = time.monotonic()
            record.replayed = await replay.fetch_all(
                session.host, session.port, recording.page_load, timeout=session.timeout
            )
            record.static_load = time.monotonic() - started
        started = time.monotonic()
        run = await session.open()
        record.session_start = time.monotonic() - started
    await live.render(run)
    if session.widget("gate_submit") is None:
        raise SessionError("the first run drew no gate form")


async def pass_gate(record: Record, session: Session, live: LiveResults) -> None:
    """Attest as a healthcare professional; note the participant id the hand-off token names."""
    record.step = "gate"
    await session.set_value("gate_attest", bool_value=True)
    professions = session.options("gate_profession")
    profession = professions[record.index % len(professions)]
    await session.set_value("gate_profession", string_value=profession)
    started = time.monotonic()
    run = await session.click("gate_submit")
    record.gate_rtt = time.monotonic() - started
    await live.render(run)
    if session.widget("poll_choice") is None:
        raise SessionError(f"the gate did not open the poll: {run.texts('alert')}")
    for body in run.texts("markdown"):
        if found := ATTEST_IMAGE.search(body):
            record.participant_id = participant_of(found.group(1).partition("t=")[2])
            await session.fetch("/" + found.group(1))  # the cookie hand-off image


async def pick(session: Session, live: LiveResults, label: str) -> float:
    """Choose an option of the poll (a rerun); return the seconds it took."""
    started = time.monotonic()
    run = await session.set_value("poll_choice", string_value=label)
    if run is not None:
        await live.render(run)
    return time.monotonic() - started


async def vote(session: Session, live: LiveResults) -> tuple[RunResult, float]:
    """Press the vote button; return the run it caused and the seconds it took."""
    started = time.monotonic()
    run = await session.click("poll_vote")
    rtt = time.monotonic() - started
    await live.render(run)
    return run, rtt


def not_acknowledged(run: RunResult, expected: str, shown: str | None, total: int | None) -> str:
    """Describe a vote the page did not confirm."""
    mine = "own vote not shown" if shown is None else f"own vote shown: {shown!r}"
    count = "no results total" if total is None else f"n = {total}"
    return (
        f"vote for {expected!r} not acknowledged ({mine}, {count}, {len(run.elements)} elements, "
        f"alerts {run.texts('alert')})"
    )


async def take_part(
    record: Record,
    host: str,
    port: int,
    plan: Plan,
    rng: random.Random,
    connecting: asyncio.Semaphore | None = None,
) -> None:
    """Walk one participant through the poll; fill `record` as the steps complete.

    `connecting` bounds how many sessions load the page and open their websocket at once.
    """
    session = Session(
        host, port, plan.page, plan.query, on_heading=record.observe, timeout=plan.timeout
    )
    frame = plan.recording.frame if plan.recording else None
    live = LiveResults(session, record.observe_total, assets=plan.assets, frame_files=frame)
    record.counters, record.live = session.counters, live.counters

    try:
        await open_poll(record, session, live, connecting, plan.recording)
        await pass_gate(record, session, live)

        await asyncio.sleep(rng.uniform(*plan.think))
        record.step = "pick"
        label = rng.choice(session.options("poll_choice"))
        record.choice_rtt = await pick(session, live, label)

        await asyncio.sleep(rng.uniform(*plan.think))
        record.step = "vote"
        record.vote_sent_at = time.time()
        run, record.vote_rtt = await vote(session, live)
        record.voted_n = _results_total(run, live)
        shown = own_vote(run)
        record.acknowledged = shown is not None and record.voted_n is not None
        if not record.acknowledged:
            raise SessionError(not_acknowledged(run, label, shown, record.voted_n))

        record.step = "stay"
        await asyncio.sleep(plan.stay)
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
