"""The live poll: the vote, the results that refresh on their own, and the evidence panel."""

from __future__ import annotations

import logging

import streamlit as st

from rounds import resources
from rounds.content.article import off_label_note
from rounds.content.schema import Module
from rounds.logs import refused
from rounds.rules.lifecycle import PollClosed, PollState, RehearsalRunning, RoundInfo
from rounds.rules.progress import poll_id
from rounds.rules.tallies import results_visible
from rounds.store.engine import utcnow
from rounds.store.polls import current_round
from rounds.store.votes import record_vote, vote_counts
from rounds.ui.live_component import live_results
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.progress_bar import draw_progress
from rounds.ui.shared import Shared
from rounds.ui.tracking import participant, record

CLOSED_MESSAGE = "This poll is closed, so your vote was not counted."
REHEARSAL_NOTICE = (
    "Rehearsal: the presenter is trying the poll with simulated votes, so no vote is taken "
    "now. Voting opens for real when the rehearsal ends; this page updates by itself."
)
REHEARSAL_MESSAGE = "The presenter is rehearsing with simulated votes: your vote was not counted."
NOT_SAVED_MESSAGE = "Your choice is not saved yet: press Vote to send it."
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


def refresh_shared() -> None:
    """Drop the shared rounds and tallies so the next run of every viewer reads the database."""
    _live.forget()


@guarded_write("poll_error", "Your vote")
def _vote(module: Module) -> None:
    choice = st.session_state.get("poll_choice")
    if choice not in {o.key for o in module.poll.options}:
        if choice is not None:  # None: nothing chosen yet; anything else no browser sends
            refused(log, module.slug, "poll_choice", choice)
        st.session_state["poll_error"] = "Choose one of the options to vote."
        return
    st.session_state.pop("poll_error", None)
    try:
        record_vote(resources.engine(), poll_id(module), participant(), choice)
    except RehearsalRunning:
        st.session_state["poll_error"] = REHEARSAL_MESSAGE
        refresh_shared()
        return
    except PollClosed:
        st.session_state["poll_error"] = CLOSED_MESSAGE
        refresh_shared()
        return
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
        progress = draw_progress(module)
        st.title("Your opinion")
        # The vote section in a container of its own: whatever it shows, the live results stay
        # the fragment's fourth element, so their frame (and its stream) survives every rerun
        # instead of reloading.
        with st.container():
            drawn, mine = draw_vote(module, progress.stored.votes)
        draw_live_results(module, drawn, has_voted=mine is not None)
        if mine:
            draw_evidence(module)


def draw_vote(module: Module, votes: dict[int, str]) -> tuple[RoundInfo, str | None]:
    """Draw the question and the vote control; return the round and the participant's vote.

    `votes` are the participant's stored votes by round, read with their progress.
    """
    poll = module.poll
    info = shared_round(poll_id(module))
    state = info.effective_state(utcnow())
    labels = {o.key: o.label for o in poll.options}
    mine = votes.get(info.round)
    if mine is not None and mine not in labels:  # an option since removed from the content
        log.info("vote for a retired option %r of %s: shown as not voted", mine, poll.key)
        mine = None
    if state is PollState.draft:
        st.markdown(f"**{poll.question}**")
        st.info("The poll opens when the presenter starts it. This page updates by itself.")
        return info, mine
    if info.simulated:  # the presenter's rehearsal: no real vote goes into simulated ones
        st.markdown(f"**{poll.question}**")
        st.info(REHEARSAL_NOTICE)
        return info, None
    st.radio(
        poll.question,
        list(labels),
        format_func=labels.get,
        index=list(labels).index(mine) if mine in labels else None,
        key="poll_choice",
        disabled=state is PollState.closed,
        on_change=_picked,
    )
    if state is PollState.open:
        st.button(
            "Change my vote" if mine else "Vote",
            type="primary",
            on_click=_vote,
            args=(module,),
            key="poll_vote",
        )
    else:
        st.warning("This poll is closed.")
    if error := st.session_state.get("poll_error"):
        st.error(error)
    elif state is PollState.open and mine is None and st.session_state.get("poll_choice"):
        # A choice not yet sent, or a vote lost with the connection: say plainly it is not saved.
        st.info(NOT_SAVED_MESSAGE)
    if mine:
        st.caption(f"Your vote: **{labels[mine]}**. You can change it while the poll is open.")
    return info, mine


def draw_live_results(module: Module, drawn: RoundInfo, has_voted: bool) -> None:
    """Draw the results, kept current by the live-results stream without any rerun.

    The page reruns only when the poll itself changes (the presenter opens, closes or resets it).
    """
    state = drawn.effective_state(utcnow())
    visible = results_visible(
        module.poll.results_visibility, has_voted, closed=state is PollState.closed
    )
    visible = visible and not drawn.simulated  # a rehearsal's simulated n is not the room's
    counts = shared_counts(poll_id(module), drawn.round)
    changed = live_results(module, drawn, state.value, counts, key="poll_live", hidden=not visible)
    if changed and changed != f"{drawn.round}:{state.value}":
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
