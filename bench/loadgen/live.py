"""The live-results component (`rounds/ui/live_results/`) as a browser runs it.

When a run draws the component, the browser creates its iframe once (index.html, live.css and
live.js: the bars are drawn in HTML, with no chart library),
paints the totals Python passed in (`initial`) unless the component is `hidden`, and opens an
EventSource on `args.stream` (even while hidden, as `live.js` does). Each event repaints the
total; the EventSource reconnects after the server's `retry` delay if the stream ends. A later
run only sends new arguments to the same iframe, so the stream is kept unless its path changes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench.loadgen import replay
from stclient import http
from stclient.session import RunResult, Session

COMPONENT = re.compile(r"(^|\.)live_results$")
MAX_RECONNECTS = 50


@dataclass
class LiveCounters:
    """What one participant's live-results component did."""

    assets_bytes: int = 0
    connects: int = 0
    events: int = 0
    errors: int = 0
    mismatches: list[str] = field(default_factory=list)  # replayed files answered otherwise


def component_args(run: RunResult) -> tuple[Any, dict] | None:
    """Return the live-results component element of a run and its decoded arguments."""
    for kind, element in reversed(run.elements):
        if kind == "component_instance" and COMPONENT.search(element.component_name):
            # One JSON text in one argument (rounds/ui/live_component.py).
            return element, json.loads(json.loads(element.json_args)["spec"])
    return None


class LiveResults:
    """One participant's live-results iframe: its files, its EventSource and what it shows."""

    def __init__(
        self,
        session: Session,
        on_total: Callable[[float, int], None],
        *,
        assets: bool = True,
        frame_files: list[replay.Request] | None = None,
    ) -> None:
        self.session = session
        self.on_total = on_total
        self.assets = assets
        self.frame_files = frame_files  # a recorded join's list of the iframe's files
        self.args: dict | None = None
        self.counters = LiveCounters()
        self._stream_path: str | None = None
        self._task: asyncio.Task | None = None
        self._closed = False

    async def render(self, run: RunResult) -> None:
        """Apply a finished run: create the iframe, repaint and (re)open the stream as needed."""
        found = component_args(run)
        if found is None:
            if self.args is not None:  # the page no longer draws it: the iframe is gone
                await self._stop()
                self.args = None
            return
        element, args = found
        first = self.args is None
        self.args = args
        if first and self.assets:
            await self._load_iframe(element.component_name)
        if not args.get("hidden"):
            initial = args.get("initial") or {}
            if isinstance(initial.get("total"), int):
                self.on_total(time.time(), initial["total"])
        stream = args.get("stream")
        if stream and stream != self._stream_path:
            await self._stop()
            self._stream_path = stream
            self._task = asyncio.create_task(self._follow(stream))

    def total_shown(self) -> int | None:
        """Return the total the component shows now from Python's arguments (None if hidden)."""
        if self.args is None or self.args.get("hidden"):
            return None
        total = (self.args.get("initial") or {}).get("total")
        return total if isinstance(total, int) else None

    async def close(self) -> None:
        """Close the EventSource (the tab closed)."""
        self._closed = True
        await self._stop()

    async def _stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
            self._task = None
        self._stream_path = None

    async def _load_iframe(self, name: str) -> None:
        if self.frame_files is not None:
            fetched = await replay.fetch_all(
                self.session.host,
                self.session.port,
                self.frame_files,
                self.session.cookies,
                self.session.timeout,
            )
            self.counters.assets_bytes += fetched.bytes
            self.counters.errors += len(fetched.mismatches)
            self.counters.mismatches += fetched.mismatches
            return
        base = f"/component/{name}/"
        query = f"?streamlitUrl=http%3A%2F%2F{self.session.host}%3A{self.session.port}%2F"
        for path in (base + "index.html" + query, base + "live.css", base + "live.js"):
            try:
                resp = await http.get(
                    self.session.host,
                    self.session.port,
                    path,
                    self.session.cookies,
                    self.session.timeout,
                )
                self.counters.assets_bytes += len(resp.body)
                if resp.status >= 400:
                    self.counters.errors += 1
            except (OSError, TimeoutError):
                self.counters.errors += 1

    def _event(self, data: str) -> None:
        self.counters.events += 1
        try:
            snapshot = json.loads(data)
        except ValueError:
            self.counters.errors += 1
            return
        if self.args is not None and not self.args.get("hidden"):
            total = snapshot.get("total")
            if isinstance(total, int):
                self.on_total(time.time(), total)

    async def _follow(self, path: str) -> None:
        """Keep an EventSource open on `path`, reconnecting as browsers do, until stopped."""
        for _ in range(MAX_RECONNECTS):
            if self._closed:
                return
            self.counters.connects += 1
            try:
                retry_ms = await http.event_stream(
                    self.session.host,
                    self.session.port,
                    path,
                    self.session.cookies,
                    self._event,
                    self.session.timeout,
                )
            except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                self.counters.errors += 1
                retry_ms = 3000
            await asyncio.sleep(retry_ms / 1000)
