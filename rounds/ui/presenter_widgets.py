"""The educator's two views of a meeting's poll: what both share, and the console's controls.

The *screen* (`views/screen.py`, drawn by `rounds.ui.screen_widgets`) goes on the projector; the
*console* (`views/presenter.py`) on the educator's laptop or phone. Both read the poll's round
from the database on every run, never from the phones' half-second shared cache: a read that
began before a write could otherwise put the old round back in front of the educator. What the
screen shows (results, count) is kept per poll in this process (`DISPLAY`), and each view checks
it, and the console the round, every second or less, so a change on one reaches the other.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.rules.lifecycle import IllegalTransition, PollState, RoundInfo
from rounds.rules.progress import poll_id
from rounds.store.engine import utcnow
from rounds.store.polls import current_round, reset, set_state, simulate_round
from rounds.store.votes import vote_counts
from rounds.ui.live_component import live_results
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.poll_widgets import refresh_shared
from rounds.web.routes import join_path

SHOW_KEY = "presenter_show"
SHOWN = {"results": "Results", "count": "Response count"}  # what the big screen may show
STATE_LABELS = {
    PollState.draft: "Not open yet",
    PollState.open: "Open for votes",
    PollState.closed: "Closed",
}
# The screen view's keyboard shortcuts (Streamlit reserves C and R): key, what it does.
SHORTCUTS = {"O": "open or close the poll", "S": "show or hide the results"}
# ...and with a session declared in the content (`session_widgets.draw_session_keys`).
SESSION_SHORTCUTS = {"N": "the session's next question", "A": "reveal a knowledge check's answer"}
NEXT_STEP = {
    PollState.draft: "open the poll when the room is ready.",
    PollState.open: "close the poll once the room has voted, then talk through the results.",
    PollState.closed: "talk through the results, or start a new round for another session.",
}


class ScreenDisplay:
    """What each poll's big screen shows (results, count), shared by this process's sessions.

    Display settings only, nothing a vote or a number depends on. With replicas, the console and
    the screen must reach the same one (nginx keeps a browser on one replica by its cookie).
    """

    def __init__(self) -> None:
        self._shown: dict[tuple[str, str], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def _key(self, poll: str) -> tuple[str, str]:
        return (resources.settings().database_url, poll)

    def get(self, poll: str) -> tuple[str, ...]:
        """Return what the poll's screen shows (both, until an educator changes it)."""
        with self._lock:
            return self._shown.get(self._key(poll), tuple(SHOWN))

    def set(self, poll: str, shown: list[str] | tuple[str, ...]) -> None:
        """Set what the poll's screen shows (unknown names are dropped)."""
        with self._lock:
            self._shown[self._key(poll)] = tuple(k for k in SHOWN if k in shown)


DISPLAY = ScreenDisplay()


def join_url(module: Module) -> str:
    """Return the short URL that takes a phone to this module's poll (through the gate)."""
    public = resources.settings().public_url
    if not public:
        parts = urlsplit(st.context.url or "http://localhost:8501/")
        public = f"{parts.scheme}://{parts.netloc}"
    return public.rstrip("/") + join_path(module.join_code or module.slug)


def round_status(info: RoundInfo, state: PollState) -> str:
    """Return "Round 3 (rehearsal): Open for votes" for a round and its state."""
    return f"Round {info.round}{' (rehearsal)' if info.simulated else ''}: {STATE_LABELS[state]}"


@guarded_write("presenter_error", "The change")
def _change(module: Module, target: PollState, close_after: int | None = None) -> None:
    try:
        set_state(resources.engine(), poll_id(module), target, close_after=close_after)
        st.session_state.pop("presenter_error", None)
    except IllegalTransition as exc:
        st.session_state["presenter_error"] = f"Not possible: {exc}."
    refresh_shared()  # the phones' shared cache


@guarded_write("presenter_error", "The change")
def open_or_close(module: Module) -> None:
    """Close the poll if it is open, open it otherwise (the state read at the key press)."""
    info = current_round(resources.engine(), poll_id(module))
    open_now = info.effective_state(utcnow()) is PollState.open
    _change(module, PollState.closed if open_now else PollState.open)


def show_or_hide_results(module: Module) -> None:
    """Hide the results on the screen if it shows them, show them otherwise."""
    shown = DISPLAY.get(poll_id(module))
    DISPLAY.set(
        poll_id(module),
        [k for k in shown if k != "results"] if "results" in shown else [*shown, "results"],
    )


def _shown_changed(module: Module) -> None:
    DISPLAY.set(poll_id(module), st.session_state.get(SHOW_KEY) or [])


@guarded_write("presenter_error", "The new round")
def _reset(module: Module) -> None:
    if not st.session_state.get("presenter_reset_confirm"):
        st.session_state["presenter_error"] = "Tick the confirmation box to start a new round."
        return
    reset(resources.engine(), poll_id(module))
    st.session_state["presenter_reset_confirm"] = False
    st.session_state.pop("presenter_error", None)
    refresh_shared()


@guarded_write("presenter_error", "The rehearsal round")
def _rehearse(module: Module) -> None:
    site = resources.catalog().site
    simulate_round(
        resources.engine(),
        poll_id(module),
        [o.key for o in module.poll.options],
        [p.key for p in site.gate.professions],
    )
    st.session_state.pop("presenter_error", None)
    refresh_shared()


def read_round(module: Module) -> tuple[RoundInfo, PollState]:
    """Return the poll's current round and its state (timer applied), read from the database."""
    info = current_round(resources.engine(), poll_id(module))
    return info, info.effective_state(utcnow())


def draw_controls(module: Module, info: RoundInfo, state: PollState) -> None:
    """Draw open/close, the timer, what the screen shows, a new round and a rehearsal."""
    row = st.container(horizontal=True, vertical_alignment="bottom")
    label, target, key = (
        ("Close poll", PollState.closed, "presenter_close")
        if state is PollState.open
        else ("Open poll", PollState.open, "presenter_open")
    )
    row.button(label, on_click=_change, args=(module, target), type="primary", key=key)
    seconds = row.number_input(
        "Timer (seconds)", 10, 3600, 60, step=10, key="presenter_timer", width=160
    )
    row.button(
        f"Open for {seconds} s",
        on_click=_change,
        args=(module, PollState.open, int(seconds)),
        key="presenter_open_timed",
    )
    st.session_state[SHOW_KEY] = list(DISPLAY.get(poll_id(module)))  # the screen may change it
    st.pills(
        "On the screen",
        list(SHOWN),
        format_func=SHOWN.get,
        selection_mode="multi",
        key=SHOW_KEY,
        on_change=_shown_changed,
        args=(module,),
    )
    st.divider()
    # No help tooltips here: one stays over the confirmation box after a press (issue #20).
    st.checkbox("Yes, archive this round and start a new one", key="presenter_reset_confirm")
    row = st.container(horizontal=True)
    row.button("New round", on_click=_reset, args=(module,), key="presenter_reset")
    row.button(
        "Rehearse with simulated votes",
        on_click=_rehearse,
        args=(module,),
        key="presenter_rehearse",
    )
    st.caption(
        "New round archives the current round with its votes (none are deleted) and starts a "
        "draft one. A rehearsal is a separate, marked round of simulated votes: phones take "
        "no vote while it runs, and real rounds never mix with it."
    )
    if error := st.session_state.get("presenter_error"):
        st.error(error)


def draw_status(module: Module, info: RoundInfo, state: PollState) -> None:
    """Draw the round, its state and the response count, and what comes next."""
    counts = vote_counts(resources.engine(), poll_id(module), info.round)
    total = sum(counts.values())
    left = info.seconds_left(utcnow())
    timer = f" · closes in {left} s" if left is not None else ""
    st.subheader(
        f"{round_status(info, state)}{timer} · {total} response{'' if total == 1 else 's'}",
        anchor=False,
    )
    step = (
        "start a new round before the room votes: this one is a rehearsal."
        if info.simulated
        else NEXT_STEP[state]
    )
    st.write(f"**Next:** {step}")


@st.fragment(run_every=1)
def follow_console(module: Module, drawn: str, shown: tuple[str, ...]) -> None:
    """Redraw the count each second; rerun the console when the round or the screen changed."""
    with database_guard():
        info, state = read_round(module)
        if f"{info.round}:{state.value}" != drawn or DISPLAY.get(poll_id(module)) != shown:
            st.rerun(scope="app")
        draw_status(module, info, state)


def draw_preview(module: Module, info: RoundInfo, state: PollState) -> None:
    """Draw what the screen shows, smaller: the question, the live results, the join address."""
    shown = DISPLAY.get(poll_id(module))
    with st.container(border=True, key="presenter_preview"):
        st.caption("On the screen now")
        st.markdown(f"**{module.poll.question}**")
        counts = read_counts(module, info)
        draw_live_chart(module, info, state, counts, shown, key="presenter_live", large=False)
        if "results" not in shown:
            st.caption("The results are hidden on the screen.")
        code = f" · code {module.join_code}" if module.join_code else ""
        st.caption(f"Join at {join_url(module).split('://', 1)[-1]}{code}")


def draw_shortcuts(module: Module) -> None:
    """List the screen view's keyboard shortcuts."""
    shortcuts = {**SHORTCUTS, **(SESSION_SHORTCUTS if module.session else {})}
    keys = "; ".join(f"**{key}** {what}" for key, what in shortcuts.items())
    st.write(f"Keys on the screen view: {keys}. New rounds and rehearsals only from here.")


def read_counts(module: Module, info: RoundInfo) -> dict[str, int]:
    """Return the round's vote counts, read from the database."""
    return vote_counts(resources.engine(), poll_id(module), info.round)


def draw_live_chart(
    module: Module,
    info: RoundInfo,
    state: PollState,
    counts: dict[str, int],
    shown: tuple[str, ...],
    *,
    key: str,
    large: bool,
) -> None:
    """Draw the state, the response count and the chart, kept live by the results stream."""
    # The component's value says the stream saw the poll change: it reruns this page, which
    # reads the database afresh above; no further rerun (its value stays until the next change).
    live_results(
        module,
        info,
        state.value,
        counts,
        key=key,
        large=large,
        show_text=not large and "results" in shown,
        hide_chart="results" not in shown,
        status_labels={s.value: label for s, label in STATE_LABELS.items()},
        show_count="count" in shown,
    )
