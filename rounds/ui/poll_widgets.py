"""The live poll: the vote, the results that refresh on their own, and the evidence panel.

In a meeting the page follows the educator's session: it shows whichever item is live (a
knowledge check or the poll), switching when the live stream says another item went live.
"""

from __future__ import annotations

import logging

import streamlit as st

from rounds import resources
from rounds.content.article import off_label_note
from rounds.content.schema import Module
from rounds.content.session import AfterSession
from rounds.logs import refused
from rounds.rules.lifecycle import PollClosed, PollState, RehearsalRunning, RoundInfo
from rounds.rules.session import Item, check_results_visible, shown_item
from rounds.rules.tallies import results_visible
from rounds.store.engine import utcnow
from rounds.store.polls import current_round
from rounds.store.sessions import SessionState, is_revealed, my_vote, session_state
from rounds.store.votes import record_vote, vote_counts
from rounds.ui.live_component import live_results
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.progress_bar import draw_progress
from rounds.ui.shared import Shared
from rounds.ui.tracking import participant, record

CLOSED_MESSAGE = "This poll is closed, so your vote was not counted."
CHECK_CLOSED_MESSAGE = "This question is closed, so your answer was not counted."
REHEARSAL_NOTICE = (
    "Rehearsal: the presenter is trying the poll with simulated votes, so no vote is taken "
    "now. Voting opens for real when the rehearsal ends; this page updates by itself."
)
REHEARSAL_MESSAGE = "The presenter is rehearsing with simulated votes: your vote was not counted."
NOT_SAVED_MESSAGE = "Your choice is not saved yet: press Vote to send it."
MOVED_ON_MESSAGE = "The presenter has moved on to another question: your answer was not counted."
DRAFT_NOTICE = "The poll opens when the presenter starts it. This page updates by itself."
ENDED_NOTICE = "This poll was run in a live session that has ended, so it takes no more votes."
CHECK_HIDDEN = "The room's answers appear here once the presenter reveals the correct answer."
log = logging.getLogger(__name__)


# Shared by every viewer in this process for half a second: a room of phones rerunning the poll
# reads each poll's round and tally once per half second, not once per phone.
_live = Shared(ttl_s=0.5)


def shared_counts(poll: str, round_no: int) -> dict[str, int]:
    """Return the vote counts of a round (shared: never change the dict returned)."""
    return _live.get(
        ("tally", poll, round_no), lambda: vote_counts(resources.engine(), poll, round_no)
    )


def shared_round(poll: str) -> RoundInfo:
    """Return the poll's current round, shared by this process's viewers for half a second."""
    return _live.get(("round", poll), lambda: current_round(resources.engine(), poll))


def shared_session(slug: str) -> SessionState:
    """Return the module's meeting session, shared by this process's viewers for half a second."""
    return _live.get(("session", slug), lambda: session_state(resources.engine(), slug))


def shared_revealed(item: str, round_no: int) -> bool:
    """Return whether this round of a check was revealed (shared for half a second)."""
    return _live.get(
        ("revealed", item, round_no), lambda: is_revealed(resources.engine(), item, round_no)
    )


def live_item(module: Module) -> Item:
    """Return the item a phone shows now: the session's live item, or else the poll."""
    return shown_item(module, shared_session(module.slug).live_item)


def choice_key(item: Item) -> str:
    """Return the key of the item's radio: the poll's as it always was, one per check run."""
    return "poll_choice" if not item.is_check else f"poll_choice_{item.index}"


def refresh_shared() -> None:
    """Drop the shared rounds and tallies so the next run of every viewer reads the database."""
    _live.forget()


@guarded_write("poll_error", "Your vote")
def _vote(module: Module, item_id: str) -> None:
    engine = resources.engine()
    item = shown_item(module, session_state(engine, module.slug).live_item)
    if item.poll_id != item_id:  # the page showed an item no longer live
        log.info("answer to %s refused: %s is live now", item_id, item.poll_id)
        st.session_state["poll_error"] = MOVED_ON_MESSAGE
        refresh_shared()
        return
    key = choice_key(item)
    choice = st.session_state.get(key)
    if choice not in {o.key for o in item.options}:
        if choice is not None:  # None: nothing chosen yet; anything else no browser sends
            refused(log, module.slug, key, choice)
        st.session_state["poll_error"] = "Choose one of the options to vote."
        return
    st.session_state.pop("poll_error", None)
    try:
        record_vote(engine, item.poll_id, participant(), choice)
    except RehearsalRunning:
        st.session_state["poll_error"] = REHEARSAL_MESSAGE
        refresh_shared()
        return
    except PollClosed:
        st.session_state["poll_error"] = CHECK_CLOSED_MESSAGE if item.is_check else CLOSED_MESSAGE
        refresh_shared()
        return
    if not item.is_check:
        record(module.slug, "voted")
    refresh_shared()  # everyone's next refresh shows this vote


def _picked() -> None:
    """Forget the last refusal once an option is picked ("Choose one..." no longer applies)."""
    st.session_state.pop("poll_error", None)


@st.fragment
def draw_poll(module: Module) -> None:
    """Draw the poll's progress, vote, live results and evidence as one fragment.

    A pick or a vote reruns only this, not the site chrome around it: a room of phones voting at
    once costs the server one short run per pick and per vote. The progress bar is inside so
    that a first vote ticks the poll step off at once.
    """
    with database_guard():  # a fragment's own run happens outside the page's guard
        item = live_item(module)
        # The question and its options first, so that a phone shows them (and the Vote button)
        # without scrolling; the progress bar below. The vote section in a container of its
        # own: whatever it shows, the live results stay the fragment's second element, so their
        # frame (and its stream) survives every rerun instead of reloading.
        with st.container():
            drawn, mine = draw_vote(module, item)
        draw_live_results(module, item, drawn, has_voted=mine is not None)
        if mine and not item.is_check:
            draw_evidence(module)
        draw_progress(module)


def _ended(module: Module) -> bool:
    """Tell whether a session ended and left the poll closed, as the content says."""
    session = module.session
    if session is None or session.after is not AfterSession.closed:
        return False
    return shared_session(module.slug).ended_at is not None


def draw_vote(module: Module, item: Item) -> tuple[RoundInfo, str | None]:
    """Draw the live item's question and vote control; return its round and the phone's vote."""
    info = shared_round(item.poll_id)
    state = info.effective_state(utcnow())
    labels = {o.key: o.label for o in item.options}
    mine = my_vote(resources.engine(), item.poll_id, info.round, participant())
    if mine is not None and mine not in labels:  # an option since removed from the content
        log.info("vote for a retired option %r of %s: shown as not voted", mine, item.poll_id)
        mine = None
    # A small heading (the page's own), so that the question below it is the first thing on a
    # phone's screen.
    st.subheader(item.title if item.is_check else "Your opinion", anchor=False)
    if state is PollState.draft:
        st.markdown(f"**{item.question}**")
        st.info(DRAFT_NOTICE)
        return info, mine
    if info.simulated:  # the presenter's rehearsal: no real vote goes into simulated ones
        st.markdown(f"**{item.question}**")
        st.info(REHEARSAL_NOTICE)
        return info, None
    st.radio(
        f"**{item.question}**",
        list(labels),
        format_func=labels.get,
        index=list(labels).index(mine) if mine in labels else None,
        key=choice_key(item),
        disabled=state is PollState.closed,
        on_change=_picked,
    )
    if state is PollState.open:
        st.button(
            ("Change my answer" if item.is_check else "Change my vote") if mine else "Vote",
            type="primary",
            on_click=_vote,
            args=(module, item.poll_id),
            key="poll_vote",
            width="stretch",
        )
    elif _ended(module):
        st.warning(ENDED_NOTICE)
    else:
        st.warning("This question is closed." if item.is_check else "This poll is closed.")
    if error := st.session_state.get("poll_error"):
        st.error(error)
    elif state is PollState.open and mine is None and st.session_state.get(choice_key(item)):
        # A choice not yet sent, or a vote lost with the connection: say plainly it is not saved.
        st.info(NOT_SAVED_MESSAGE)
    if mine:
        what, it = ("Your answer", "question") if item.is_check else ("Your vote", "poll")
        st.caption(f"{what}: **{labels[mine]}**. You can change it while the {it} is open.")
    return info, mine


def draw_live_results(module: Module, item: Item, drawn: RoundInfo, has_voted: bool) -> None:
    """Draw the results, kept current by the live-results stream without any rerun.

    The page reruns only when the session or the item changes (another item goes live; the
    presenter opens, closes, resets or reveals it). A check's results wait for its reveal.
    """
    state = drawn.effective_state(utcnow())
    closed = state is PollState.closed
    revealed = item.is_check and shared_revealed(item.poll_id, drawn.round)
    if item.is_check:
        visible = check_results_visible(has_voted, revealed, closed)
    else:
        visible = results_visible(module.poll.results_visibility, has_voted, closed=closed)
    visible = visible and not drawn.simulated  # a rehearsal's simulated n is not the room's
    counts = shared_counts(item.poll_id, drawn.round)
    changed = live_results(
        module,
        drawn,
        state.value,
        counts,
        key="poll_live",
        item=item,
        revealed=revealed,
        hidden=not visible,
        hidden_text=CHECK_HIDDEN if item.is_check else "Results appear here once you have voted.",
    )
    if changed:
        refresh_shared()
        st.rerun()


def draw_evidence(module: Module) -> None:
    """Draw the cited facts that put the poll question in context."""
    if not module.poll.evidence:
        return
    points = "\n".join(
        f"- {item.text.strip()} \\[{module.reference_number(item.source)}\\]"
        f"{off_label_note(item.off_label)}"
        for item in module.poll.evidence
    )
    # One element (a box with its text) rather than a bordered container around a text: it is
    # drawn on every pick and vote of every phone in the room.
    st.info(f"**The evidence in brief**\n\n{points}")
