"""One simulated browser tab: Streamlit's websocket protocol as the 1.67 front end speaks it.

What the browser does, and this class copies (from `frontend/app/src/App.tsx`,
`WidgetStateManager.ts`, `WebsocketConnection.tsx` and the served bundle):

- loads the page, `/_stcore/health` (which sets the `_streamlit_xsrf` cookie) and
  `/_stcore/host-config`, then opens `/_stcore/stream` with the subprotocols
  `["streamlit", <xsrf cookie>]`, its cookies and an `Origin` header;
- asks for a run with `BackMsg.rerun_script` (a `ClientState`): the query string, every
  widget state it holds, the page (`page_name` from the path until a `navigation` message
  names the page's script hash), `cached_message_hashes` and `context_info`;
- registers each widget's default value when it first draws it; a value changed by the user
  outside a form is sent at once (a rerun); inside a form it waits for the submit button,
  whose trigger is sent together with the form's values; a trigger is sent once, then dropped;
- after a full run, forgets the state of widgets the run did not draw;
- keeps `ForwardMsg`s marked cacheable by hash, resolves `ref_hash` messages from that cache and
  ages entries by script runs (`max_cached_message_age`);
- on `auto_rerun` starts a timer that sends `rerun_script` with `fragment_id` and
  `is_auto_rerun` every `interval` seconds without waiting for answers (`setInterval`), clears
  every timer when a full run starts and the named ones on `stop_auto_rerun`.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from stclient import http
from stclient.message_cache import CacheMiss, MessageCache
from stclient.widget_states import (
    WIDGET_KINDS,
    Widget,
    forget_inactive,
    initial_state,
    state,
)

__all__ = ["RunResult", "Session", "SessionCounters", "SessionError", "Widget"]
FULL_RUN_DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


class SessionError(RuntimeError):
    """The session broke: closed by the server, a cache miss, or a run that never finished."""


@dataclass
class RunResult:
    """A finished full script run: when it finished and what it drew."""

    run_id: str
    status: int
    finished: float
    elements: list[tuple[str, Any]]

    def texts(self, kind: str) -> list[str]:
        """Return the `body` of every element of one type (heading, markdown, alert...)."""
        return [el.body for k, el in self.elements if k == kind]


@dataclass
class SessionCounters:
    """What one session sent and received, for the report."""

    messages: int = 0
    bytes_in: int = 0
    refs_resolved: int = 0
    auto_reruns_sent: int = 0
    auto_reruns_unanswered: int = 0  # still waiting for a fragment run when the tab closed
    fragment_runs: int = 0
    fragment_latencies: list[float] = field(default_factory=list)
    exceptions: int = 0


@dataclass
class _Waiter:
    future: asyncio.Future
    run_id: str | None = None
    fragment_id: str = ""  # waiting for a run of this fragment (or the full run it turns into)
    elements: list[tuple[str, Any]] = field(default_factory=list)


class Session:
    """A browser tab on one page of a Streamlit app, driven by the caller's widget actions."""

    def __init__(
        self,
        host: str,
        port: int,
        page: str,
        query: str,
        *,
        on_heading: Callable[[float, str], None] | None = None,
        timeout: float = 60,
        follow_auto_reruns: bool = True,
        quick_ack: bool = False,
    ) -> None:
        self.host, self.port, self.page, self.query = host, port, page, query
        self.on_heading = on_heading
        self.timeout = timeout
        self.follow_auto_reruns = follow_auto_reruns
        self.quick_ack = quick_ack and hasattr(socket, "TCP_QUICKACK")
        self.pages: dict[str, str] = {}  # url path -> page script hash, from `navigation`
        self.live_fragments: set[str] = set()  # auto-rerun fragments of the last full run
        self.cookies: dict[str, str] = {}
        self.widgets: dict[str, Widget] = {}
        self.states: dict[str, WidgetState] = {}
        self.form_states: dict[str, dict[str, WidgetState]] = {}
        self.page_script_hash = ""
        self.counters = SessionCounters()
        self.closed_reason: str | None = None
        self._ws: Any = None
        self._reader: asyncio.Task | None = None
        self._timers: dict[str, tuple[float, asyncio.Task]] = {}
        self._cache = MessageCache()
        self._waiter: _Waiter | None = None
        self._run_elements: list[tuple[str, Any]] = []
        self._in_full_run = False
        self._fragment_sends: list[float] = []
        self._last_message = time.monotonic()
        self._fragment_waiter: asyncio.Future | None = None
        self._fragment_elements: list[tuple[str, Any]] | None = None

    # -- connection -------------------------------------------------------------------------

    async def open(self) -> RunResult:
        """Load the page as a browser does, open the websocket and wait for the first run."""
        path = f"/{self.page}?{self.query}" if self.query else f"/{self.page}"
        for url in (path, "/_stcore/health", "/_stcore/host-config"):
            resp = await http.get(self.host, self.port, url, self.cookies, self.timeout)
            if resp.status >= 400:
                raise SessionError(f"GET {url} answered {resp.status}")
            self.cookies.update(resp.cookies())
        token = self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        self._ws = await asyncio.wait_for(
            websockets.connect(
                f"ws://{self.host}:{self.port}/_stcore/stream",
                subprotocols=["streamlit", token],
                origin=f"http://{self.host}:{self.port}",
                additional_headers=headers,
                user_agent_header=http.USER_AGENT,
                max_size=None,
                open_timeout=self.timeout,
            ),
            self.timeout,
        )
        self._reader = asyncio.create_task(self._read())
        self._ack_now()
        return await self._full_run(self._rerun_msg())

    async def close(self) -> None:
        """Stop the timers and close the websocket (a tab closed)."""
        self.counters.auto_reruns_unanswered = len(self._fragment_sends)
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 5)
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader

    async def clear_cache(self) -> None:
        """Send what the menu's "Clear cache" sends: any client may, gate or no gate."""
        await self._send(BackMsg(clear_cache=True).SerializeToString())

    async def fetch(self, path: str) -> int:
        """GET a same-origin URL with this tab's cookies (an image the page shows); the status."""
        resp = await http.get(self.host, self.port, path, self.cookies, self.timeout)
        self.cookies.update(resp.cookies())
        return resp.status

    # -- widgets ------------------------------------------------------------------------------

    def widget(self, key: str) -> Widget | None:
        """Return the drawn widget whose user key is `key` (ids end in `-<key>`)."""
        for widget in self.widgets.values():
            if widget.id.endswith(f"-{key}"):
                return widget
        return None

    def _need(self, key: str) -> Widget:
        widget = self.widget(key)
        if widget is None:
            raise SessionError(f"no widget with key {key!r} on the page")
        return widget

    async def set_value(self, key: str, **value: Any) -> RunResult | None:
        """Set a widget's value as a user would (`bool_value=True`, `string_value="x"`).

        Inside a form the value waits for the submit button; outside, a run is requested and
        awaited, as the browser does on every change: of the widget's fragment if it is in one,
        else of the whole page.
        """
        widget = self._need(key)
        changed = state(widget.id, **value)
        if widget.form_id:
            self.form_states.setdefault(widget.form_id, {})[widget.id] = changed
            return None
        self.states[widget.id] = changed
        return await self._full_run(self._rerun_msg(widget.fragment_id), widget.fragment_id)

    async def click(self, key: str) -> RunResult:
        """Click a button (or a form's submit button) and wait for the run it causes."""
        widget = self._need(key)
        if widget.form_id:
            self.states.update(self.form_states.pop(widget.form_id, {}))
        self.states[widget.id] = state(widget.id, trigger_value=True)
        msg = self._rerun_msg(widget.fragment_id)
        del self.states[widget.id]
        return await self._full_run(msg, widget.fragment_id)

    def options(self, key: str) -> list[str]:
        """Return the option labels of a radio or select box."""
        return list(self._need(key).proto.options)

    async def rerun(self) -> RunResult:
        """Ask for a full rerun of the current page with the current widget states."""
        return await self._full_run(self._rerun_msg())

    async def goto(self, url_path: str, query: str = "") -> RunResult:
        """Switch page as a page link does: stop the timers, run the page's script."""
        if url_path not in self.pages:
            raise SessionError(f"no page {url_path!r}; pages: {sorted(self.pages)}")
        for _, task in self._timers.values():
            task.cancel()
        self._timers.clear()
        self.page, self.query = url_path, query
        self.page_script_hash = self.pages[url_path]
        return await self._full_run(self._rerun_msg())

    async def rerun_fragment(self, fragment_id: str) -> float:
        """Run one fragment as its timer would; return the seconds until it finished."""
        loop = asyncio.get_running_loop()
        self._fragment_waiter = loop.create_future()
        started = time.monotonic()
        await self._send(self._rerun_msg(fragment_id, auto=True))
        try:
            await asyncio.wait_for(self._fragment_waiter, self.timeout)
        except TimeoutError as exc:
            raise SessionError(f"fragment run not finished within {self.timeout:.0f}s") from exc
        return time.monotonic() - started

    # -- sending ------------------------------------------------------------------------------

    def _rerun_msg(self, fragment_id: str = "", auto: bool = False) -> bytes:
        msg = BackMsg()
        client = msg.rerun_script
        client.query_string = self.query
        client.widget_states.widgets.extend(self.states.values())
        if self.page_script_hash:
            client.page_script_hash = self.page_script_hash
        else:
            client.page_name = self.page
        if fragment_id:
            client.fragment_id = fragment_id
            client.is_auto_rerun = auto
        client.cached_message_hashes.extend(self._cache)
        info = client.context_info
        info.timezone = "Europe/London"
        info.timezone_offset = 0
        info.locale = "en-GB"
        info.url = f"http://{self.host}:{self.port}/{self.page}?{self.query}"
        info.color_scheme = "light"
        return msg.SerializeToString()

    async def _full_run(self, payload: bytes, fragment_id: str = "") -> RunResult:
        """Send a run request and wait for its run to finish (a fragment's, with `fragment_id`)."""
        loop = asyncio.get_running_loop()
        if self._waiter is not None and not self._waiter.future.done():
            self._waiter.future.cancel()
        waiter = _Waiter(loop.create_future(), fragment_id=fragment_id)
        self._waiter = waiter
        await self._send(payload)
        try:
            return await asyncio.wait_for(asyncio.shield(waiter.future), self.timeout)
        except TimeoutError as exc:
            started = "started" if waiter.run_id else "never started"
            raise SessionError(
                f"no finished run within {self.timeout:.0f}s (the run {started}; "
                f"last message {time.monotonic() - self._last_message:.1f}s ago)"
            ) from exc
        finally:
            if not waiter.future.done():
                waiter.future.cancel()

    async def _send(self, payload: bytes) -> None:
        if self._ws is None or self.closed_reason:
            raise SessionError(f"websocket closed: {self.closed_reason}")
        await self._ws.send(payload)

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """Send a fragment rerun every `interval` seconds until cancelled (`setInterval`)."""
        start = time.monotonic()
        tick = 0
        while not self.closed_reason:
            tick += 1
            await asyncio.sleep(max(0.0, start + tick * interval - time.monotonic()))
            self._fragment_sends.append(time.monotonic())
            self.counters.auto_reruns_sent += 1
            try:
                await self._send(self._rerun_msg(fragment_id, auto=True))
            except (SessionError, websockets.ConnectionClosed):
                return

    def _ack_now(self) -> None:
        """With `quick_ack`, acknowledge TCP segments at once instead of up to 40 ms later.

        Streamlit 1.67's listening socket is created with protocol 0, so asyncio never sets
        TCP_NODELAY on the accepted websocket: the server's second small message of a burst
        waits for the client's delayed ACK. Browsers delay ACKs, so the load test does too;
        `bench/page_times.py` turns this on to time the server's work alone.
        """
        if not self.quick_ack or self._ws is None:
            return
        sock = self._ws.transport.get_extra_info("socket")
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)

    # -- receiving ----------------------------------------------------------------------------

    async def _read(self) -> None:
        try:
            async for data in self._ws:
                self.counters.messages += 1
                self._last_message = time.monotonic()
                self._ack_now()
                self.counters.bytes_in += len(data)
                self._handle(data)
            self._fail("closed by the server")
        except websockets.ConnectionClosed as exc:
            self._fail(f"connection closed ({exc})")
        except SessionError as exc:
            self._fail(str(exc))

    def _fail(self, reason: str) -> None:
        self.closed_reason = self.closed_reason or reason
        for _, task in self._timers.values():
            task.cancel()
        if self._waiter is not None and not self._waiter.future.done():
            self._waiter.future.set_exception(SessionError(reason))

    def _handle(self, data: bytes) -> None:
        msg = ForwardMsg()
        msg.ParseFromString(data)
        if msg.WhichOneof("type") == "ref_hash":
            try:
                msg = self._cache.resolve(msg)
            except CacheMiss as exc:
                raise SessionError(str(exc)) from exc
            self.counters.refs_resolved += 1
        else:
            self._cache.keep(msg, data)
        handler = getattr(self, f"_on_{msg.WhichOneof('type')}", None)
        if handler is not None:
            handler(msg)

    def _on_new_session(self, msg: ForwardMsg) -> None:
        cache_age = msg.new_session.config.max_cached_message_age
        self._cache.max_age = cache_age or self._cache.max_age
        fragments = msg.metadata.run.fragment_ids
        if fragments:  # a fragment run also starts with new_session
            waiter = self._waiter
            if waiter and not waiter.future.done() and waiter.fragment_id in fragments:
                waiter.run_id = msg.metadata.run.script_run_id
                self._fragment_elements = waiter.elements = []
            return
        for _, task in self._timers.values():  # cleanupAutoReruns on a full run
            task.cancel()
        self._timers.clear()
        self.live_fragments = set()
        self._fragment_elements = None
        self._run_elements = []
        self._in_full_run = True
        if self._waiter is not None and not self._waiter.future.done():
            self._waiter.run_id = msg.metadata.run.script_run_id
            self._waiter.elements = self._run_elements

    def _on_navigation(self, msg: ForwardMsg) -> None:
        self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        for page in msg.navigation.app_pages:
            self.pages[page.url_pathname] = page.page_script_hash

    def _on_delta(self, msg: ForwardMsg) -> None:
        if msg.delta.WhichOneof("type") != "new_element":
            return
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        if self._in_full_run:  # what a full run drew
            self._run_elements.append((kind, proto))
        elif self._fragment_elements is not None:  # what an awaited fragment run drew
            self._fragment_elements.append((kind, proto))
        if kind == "heading" and self.on_heading is not None:
            self.on_heading(time.time(), proto.body)
        elif kind == "exception":
            self.counters.exceptions += 1
        elif kind in WIDGET_KINDS and proto.id:
            self._register(Widget(proto.id, kind, proto.form_id, proto, msg.delta.fragment_id))

    def _register(self, widget: Widget) -> None:
        """Record a drawn widget and, as its front-end component does, its initial value."""
        self.widgets[widget.id] = widget
        registered = initial_state(widget, known=widget.id in self.states)
        if registered is not None:
            self.states[widget.id] = registered

    def _on_auto_rerun(self, msg: ForwardMsg) -> None:
        fragment_id, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
        if not fragment_id or interval <= 0:
            return
        self.live_fragments.add(fragment_id)
        if not self.follow_auto_reruns:
            return
        known = self._timers.get(fragment_id)
        if known is not None and known[0] == interval:
            return
        if known is not None:
            known[1].cancel()
        task = asyncio.create_task(self._auto_rerun(fragment_id, interval))
        self._timers[fragment_id] = (interval, task)

    def _on_stop_auto_rerun(self, msg: ForwardMsg) -> None:
        for fragment_id in msg.stop_auto_rerun.fragment_ids:
            known = self._timers.pop(fragment_id, None)
            if known is not None:
                known[1].cancel()

    def _on_script_finished(self, msg: ForwardMsg) -> None:
        status = msg.script_finished
        fragments = list(msg.metadata.run.fragment_ids)
        if status != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._cache.age(fragments)
        waiter = self._waiter
        if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY:
            self.counters.fragment_runs += 1
            if (
                waiter is not None
                and not waiter.future.done()
                and waiter.fragment_id
                and waiter.run_id == msg.metadata.run.script_run_id
            ):
                self._fragment_elements = None
                waiter.future.set_result(
                    RunResult(waiter.run_id, status, time.time(), list(waiter.elements))
                )
            if self._fragment_waiter is not None and not self._fragment_waiter.done():
                self._fragment_waiter.set_result(None)
            if self._fragment_sends:
                self.counters.fragment_latencies.append(time.monotonic() - self._fragment_sends[0])
                self._fragment_sends.clear()
            return
        if status in FULL_RUN_DONE:
            self._in_full_run = False
            self._forget_inactive()
        if (
            waiter is not None
            and not waiter.future.done()
            and waiter.run_id is not None
            and waiter.run_id == msg.metadata.run.script_run_id
            and status in FULL_RUN_DONE
        ):
            waiter.future.set_result(
                RunResult(waiter.run_id, status, time.time(), list(waiter.elements))
            )

    def _forget_inactive(self) -> None:
        """Drop the widgets (and their state) the last full run did not draw."""
        active = {getattr(p, "id", "") for k, p in self._run_elements if k in WIDGET_KINDS}
        forget_inactive(self.widgets, self.states, self.form_states, active)
