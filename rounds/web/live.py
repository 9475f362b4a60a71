"""Live poll results pushed to every viewer without rerunning any Streamlit script.

One `LiveFeed` per server process watches each poll that has viewers: it reads the current round
and its tally once every `interval` seconds (one query per poll, however many viewers) and hands
each viewer a new snapshot only when it changed. A module's stream follows its meeting session:
the snapshot is of whichever item the educator has live (a knowledge check or the poll), named
in it, with whether a check's answer is revealed. The `/_rounds/live/...` route streams the
snapshots as server-sent events; the live-results component in the page draws them.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rounds.store.engine import utcnow
from rounds.store.polls import current_round
from rounds.store.sessions import is_revealed, session_state
from rounds.store.votes import vote_counts

if TYPE_CHECKING:
    from rounds.store.engine import Engine

log = logging.getLogger(__name__)


def snapshot(engine: Engine, poll_id: str) -> dict:
    """Return the live item of the poll's module, its round, state (timer applied) and counts.

    The live item is the module's poll itself unless a session has another item live.
    """
    item = session_state(engine, poll_id.split("/", 1)[0]).live_item or poll_id
    info = current_round(engine, item)
    now = utcnow()
    counts = vote_counts(engine, item, info.round)
    return {
        "item": item,
        "revealed": item != poll_id and is_revealed(engine, item, info.round),
        "round": info.round,
        "state": info.effective_state(now).value,
        "closes_in": info.seconds_left(now),
        "counts": counts,
        "total": sum(counts.values()),
    }


@dataclass
class _Watch:
    """One watched poll: the latest snapshot, a change signal and the number of viewers."""

    latest: str = ""
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    viewers: int = 0
    task: asyncio.Task | None = None
    failing: bool = False  # the last read failed (logged once per outage)


class LiveFeed:
    """Per-process watcher of polls, shared by every viewer of the same poll."""

    def __init__(self, engine_factory, interval: float = 0.5) -> None:
        self._engine_factory = engine_factory
        self.interval = interval
        self._watches: dict[str, _Watch] = {}

    async def _watch(self, poll_id: str, watch: _Watch) -> None:
        engine = self._engine_factory()
        while watch.viewers > 0:
            try:
                data = await asyncio.to_thread(snapshot, engine, poll_id)
                text = json.dumps(data, sort_keys=True)
            except Exception:  # the database is away: keep the last snapshot, try again
                if not watch.failing:
                    log.exception("live feed of %s: cannot read the poll; retrying", poll_id)
                watch.failing = True
                text = watch.latest
            else:
                if watch.failing:
                    log.info("live feed of %s: reading the poll again (recovered)", poll_id)
                watch.failing = False
            if text != watch.latest:
                # Wake everyone waiting on the old event; later waiters get a fresh one.
                previous, watch.changed = watch.changed, asyncio.Event()
                watch.latest = text
                previous.set()
            await asyncio.sleep(self.interval)
        if self._watches.get(poll_id) is watch:
            del self._watches[poll_id]

    async def subscribe(self, poll_id: str, heartbeat: float = 15.0) -> AsyncIterator[str]:
        """Yield the poll's snapshot now and after every change (an empty string as heartbeat)."""
        watch = self._watches.get(poll_id)
        if watch is None or watch.task is None or watch.task.done():
            watch = self._watches[poll_id] = _Watch()
        watch.viewers += 1
        if watch.task is None:
            watch.task = asyncio.create_task(self._watch(poll_id, watch))
        sent = ""
        try:
            while True:
                if watch.latest == sent:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(watch.changed.wait(), heartbeat)
                current = watch.latest
                if current and current != sent:
                    sent = current
                    yield current
                else:
                    yield ""  # nothing new: a heartbeat keeps proxies from closing the stream
        finally:
            watch.viewers -= 1
