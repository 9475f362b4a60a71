"""A meeting session on the presenter's page: the sequence's controls and the live item's screen."""

from __future__ import annotations

import logging

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.content.session import AfterSession
from rounds.rules.lifecycle import IllegalTransition
from rounds.rules.progress import poll_id
from rounds.rules.session import Item, find, items, next_item
from rounds.store.engine import utcnow
from rounds.store.sessions import end_session, go_live, reveal
from rounds.ui.live_component import live_results
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.poll_widgets import (
    refresh_shared,
    shared_counts,
    shared_revealed,
    shared_round,
    shared_session,
)
from rounds.ui.presenter_widgets import DISPLAY, STATE_LABELS, join_url

log = logging.getLogger(__name__)


@guarded_write("session_error", "Going live")
def _go_live(module: Module, item_id: str) -> None:
    if find(module, item_id) is None:  # no browser sends this: the buttons carry content ids
        log.warning("session of %s: %r is not one of its items", module.slug, item_id[:60])
        return
    try:
        go_live(resources.engine(), module.slug, item_id)
        st.session_state.pop("session_error", None)
    except IllegalTransition as exc:
        st.session_state["session_error"] = f"Not possible: {exc}."
    refresh_shared()


@guarded_write("session_error", "The reveal")
def _reveal(module: Module, item_id: str) -> None:
    item = find(module, item_id)
    if item is None or not item.is_check:
        log.warning("session of %s: %r has no answer to reveal", module.slug, item_id[:60])
        return
    reveal(resources.engine(), item.poll_id)
    st.session_state.pop("session_error", None)
    refresh_shared()


@guarded_write("session_error", "Ending the session")
def _end(module: Module) -> None:
    reopen = module.session.after is AfterSession.self_paced
    end_session(resources.engine(), module.slug, poll_id(module), reopen=reopen)
    st.session_state.pop("session_error", None)
    refresh_shared()


def live_item(module: Module) -> Item | None:
    """Return the session item live now (None when no session runs)."""
    if module.session is None:
        return None
    return find(module, shared_session(module.slug).live_item)


def live_and_next(module: Module) -> tuple[Item | None, Item | None]:
    """Return the live item and the one after it (the first while no session runs)."""
    live = live_item(module)
    return live, next_item(module, live.poll_id if live else None)


def draw_session_controls(module: Module) -> None:
    """Draw the session's items (which is live), Next, go live on any item, Reveal and End."""
    if module.session is None:
        return
    live, upcoming = live_and_next(module)
    status = f"Live: {live.index + 1}. {live.title}" if live else "Not running"
    with st.expander(f"Session · {status}", expanded=True, icon=":material/playlist_play:"):
        for item in items(module):
            info = shared_round(item.poll_id)
            revealed = item.is_check and shared_revealed(item.poll_id, info.round)
            row = st.container(horizontal=True, vertical_alignment="center")
            is_live = live is not None and live.poll_id == item.poll_id
            # Phones answer the live item only: another item's round state would mislead here.
            state = STATE_LABELS[info.effective_state(utcnow())] if is_live else "Not live"
            mark = "**● Live**" if is_live else "○"
            extra = " · answer revealed" if revealed else ""
            row.markdown(f"{mark} {item.index + 1}. **{item.title}**: {item.question}")
            row.caption(f"{state}{extra}")
            if not is_live:
                row.button(
                    "Go live",
                    key=f"session_live_{item.index}",
                    on_click=_go_live,
                    args=(module, item.poll_id),
                )
        row = st.container(horizontal=True)
        if upcoming is not None:
            row.button(
                f"Next: {upcoming.title}" if live else f"Start: {upcoming.title}",
                type="primary",
                key="session_next",
                on_click=_go_live,
                args=(module, upcoming.poll_id),
            )
        if live is not None and live.is_check:
            info = shared_round(live.poll_id)
            if not shared_revealed(live.poll_id, info.round):
                row.button(
                    "Reveal the answer",
                    key="session_reveal",
                    on_click=_reveal,
                    args=(module, live.poll_id),
                    help="Closes the question and shows everyone the correct answer.",
                )
        if live is not None:
            after = (
                "the poll reopens for self-paced learners"
                if module.session.after is AfterSession.self_paced
                else "the poll stays closed"
            )
            row.button(
                "End session",
                key="session_end",
                on_click=_end,
                args=(module,),
                help=f"Closes the live question; {after}.",
            )
        if error := st.session_state.get("session_error"):
            st.error(error)


def draw_item_results(module: Module, live: Item, *, key: str, large: bool) -> None:
    """Draw a live item's results as the console says (results, count), or its revealed answer.

    The stream keeps them current; when it names another item or round, the page reruns.
    """
    with database_guard():
        info = shared_round(live.poll_id)
        state = info.effective_state(utcnow())
        revealed = live.is_check and shared_revealed(live.poll_id, info.round)
        shown = DISPLAY.get(poll_id(module))
        changed = live_results(
            module,
            info,
            state.value,
            shared_counts(live.poll_id, info.round),
            key=key,
            item=live,
            revealed=revealed,
            large=large,
            show_text=(not large and "results" in shown) or revealed,
            hide_chart="results" not in shown and not revealed,
            status_labels={s.value: label for s, label in STATE_LABELS.items()},
            show_count="count" in shown,
        )
    if changed:
        refresh_shared()
        st.rerun()


def draw_item_preview(module: Module, live: Item) -> None:
    """Draw what the screen shows while a session item is live, smaller (the console's preview)."""
    with st.container(border=True, key="presenter_preview"):
        st.caption(f"On the screen now: {live.title}")
        st.markdown(f"**{live.question}**")
        draw_item_results(module, live, key="presenter_live", large=False)
        code = f" · code {module.join_code}" if module.join_code else ""
        st.caption(f"Join at {join_url(module).split('://', 1)[-1]}{code}")


def draw_session_keys(module: Module) -> None:
    """Draw the screen's hidden buttons for N (next item) and A (reveal the live check).

    Each carries the item it acts on, read when the screen was drawn: a key pressed twice before
    the screen redraws moves one item on, not two, and reveals one check.
    """
    if module.session is None:
        return
    live, upcoming = live_and_next(module)
    if upcoming is not None:
        st.button(
            "Next question",
            key="screen_next",
            shortcut="N",
            on_click=_go_live,
            args=(module, upcoming.poll_id),
        )
    if live is not None and live.is_check:
        st.button(
            "Reveal the answer",
            key="screen_reveal",
            shortcut="A",
            on_click=_reveal,
            args=(module, live.poll_id),
        )
