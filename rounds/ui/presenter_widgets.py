"""The big-screen view of a poll and the educator's controls for it."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.figures.qr import qr_svg
from rounds.rules.lifecycle import IllegalTransition, PollState
from rounds.rules.progress import poll_id
from rounds.store.engine import utcnow
from rounds.store.polls import reset, set_state, simulate_round
from rounds.ui.live_component import live_results
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.poll_widgets import refresh_shared, shared_counts, shared_round
from rounds.web.routes import join_path

SHOW_KEY = "presenter_show"
SHOWN = {"results": "Results", "count": "Response count"}  # what the big screen may show
STATE_LABELS = {
    PollState.draft: "Not open yet",
    PollState.open: "Open for votes",
    PollState.closed: "Closed",
}


def join_url(module: Module) -> str:
    """Return the short URL that takes a phone to this module's poll (through the gate)."""
    public = resources.settings().public_url
    if not public:
        parts = urlsplit(st.context.url or "http://localhost:8501/")
        public = f"{parts.scheme}://{parts.netloc}"
    return public.rstrip("/") + join_path(module.slug)


@guarded_write("presenter_error", "The change")
def _change(module: Module, target: PollState, close_after: int | None = None) -> None:
    try:
        set_state(resources.engine(), poll_id(module), target, close_after=close_after)
        st.session_state.pop("presenter_error", None)
    except IllegalTransition as exc:
        st.session_state["presenter_error"] = f"Not possible: {exc}."
    refresh_shared()


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
    refresh_shared()


def draw_controls(module: Module) -> None:
    """Draw open/close, the timer, reveal and count toggles, reset and rehearsal."""
    info = shared_round(poll_id(module))
    state = info.effective_state(utcnow())
    # Rows as horizontal containers (one block each) rather than columns (a block per column):
    # the presenter page reruns on every control pressed in front of the room.
    status = f"Round {info.round}{' (rehearsal)' if info.simulated else ''}: {STATE_LABELS[state]}"
    with st.expander(f"Poll controls · {status}", expanded=True, icon=":material/tune:"):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        # One button that does what the state allows.
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
        st.pills(
            "On this screen",
            list(SHOWN),
            format_func=SHOWN.get,
            selection_mode="multi",
            default=list(SHOWN),
            key=SHOW_KEY,
        )
        st.divider()
        st.checkbox("Yes, archive this round and start a new one", key="presenter_reset_confirm")
        row = st.container(horizontal=True)
        row.button(
            "New round",
            on_click=_reset,
            args=(module,),
            key="presenter_reset",
            help="The current round is archived with its votes; none are deleted.",
        )
        row.button(
            "Rehearse with simulated votes",
            on_click=_rehearse,
            args=(module,),
            key="presenter_rehearse",
            help="Starts a separate, marked rehearsal round; real rounds never mix.",
        )
        if error := st.session_state.get("presenter_error"):
            st.error(error)


def draw_big_screen(module: Module) -> None:
    """Draw the question, the QR code and the live chart, refreshed every second."""
    url = join_url(module)
    st.title(module.poll.question, anchor=False)
    chart_col, join_col = st.columns([3, 1], gap="large")
    with join_col:
        st.image(qr_svg(url), caption="Scan to vote", alt=f"QR code for {url}", width="stretch")
        st.subheader(url.split("://", 1)[-1], anchor=False)

    with chart_col, database_guard():
        draw_live_chart(module)


def draw_live_chart(module: Module) -> None:
    """Draw the state, the response count and the chart, kept live by the results stream."""
    info = shared_round(poll_id(module))
    state = info.effective_state(utcnow())
    counts = shared_counts(poll_id(module), info.round)
    shown = st.session_state.get(SHOW_KEY, list(SHOWN))  # the controls below set it
    changed = live_results(
        module,
        info,
        state.value,
        counts,
        key="presenter_live",
        large=True,
        show_text="count" in shown,
        hide_chart="results" not in shown,
        status_labels={s.value: label for s, label in STATE_LABELS.items()},
        show_count="count" in shown,
    )
    if "results" not in shown:
        st.info("Results are hidden on this screen.", icon=":material/visibility_off:")
    if changed and changed != f"{info.round}:{state.value}":
        refresh_shared()
        st.rerun()
