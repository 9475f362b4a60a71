"""The live poll: the vote, the results that refresh on their own, and the evidence panel."""

from __future__ import annotations

import streamlit as st

from rounds import charts
from rounds.content.schema import Module
from rounds.lifecycle import PollClosed, PollState, RoundInfo
from rounds.progress import poll_id
from rounds.store.engine import utcnow
from rounds.store.polls import current_round
from rounds.store.votes import record_vote, tally, vote_of
from rounds.tallies import describe, is_small, poll_results, results_visible
from rounds.ui import resources
from rounds.ui.outage import database_guard, guarded_write
from rounds.ui.tracking import participant, record

REFRESH_SECONDS = 2
CLOSED_MESSAGE = "This poll is closed, so your vote was not counted."


@st.cache_data(ttl=0.5, show_spinner=False, max_entries=256)
def shared_tally(poll: str, round_no: int) -> dict[str, int]:
    """Return the vote counts, shared by every viewer in this process for half a second."""
    return tally(resources.engine(), poll, round_no)


@st.cache_data(ttl=0.5, show_spinner=False, max_entries=256)
def shared_round(poll: str) -> RoundInfo:
    """Return the poll's current round, shared by this process's viewers for half a second."""
    return current_round(resources.engine(), poll)


def refresh_shared() -> None:
    """Drop the shared caches so the next refresh of every viewer reads the database."""
    shared_tally.clear()
    shared_round.clear()


@guarded_write("poll_error", "Your vote")
def _vote(module: Module) -> None:
    choice = st.session_state.get("poll_choice")
    if choice not in {o.key for o in module.poll.options}:
        st.session_state["poll_error"] = "Choose one of the options to vote."
        return
    st.session_state.pop("poll_error", None)
    try:
        record_vote(resources.engine(), poll_id(module), participant(), choice)
    except PollClosed:
        st.session_state["poll_error"] = CLOSED_MESSAGE
        refresh_shared()
        return
    record(module.slug, "voted")
    refresh_shared()  # everyone's next refresh shows this vote


def draw_vote(module: Module) -> tuple[RoundInfo, str | None]:
    """Draw the question and the vote control; return the round and the participant's vote."""
    poll = module.poll
    info = shared_round(poll_id(module))
    state = info.effective_state(utcnow())
    mine = vote_of(resources.engine(), poll_id(module), participant(), info.round)
    labels = {o.key: o.label for o in poll.options}
    if state is PollState.draft:
        st.markdown(f"**{poll.question}**")
        st.info("The poll opens when the presenter starts it. This page updates by itself.")
        return info, mine
    st.radio(
        poll.question,
        list(labels),
        format_func=labels.get,
        index=list(labels).index(mine) if mine in labels else None,
        key="poll_choice",
        disabled=state is PollState.closed,
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
        st.warning("This poll is closed.", icon=":material/lock:")
    if error := st.session_state.get("poll_error"):
        st.error(error)
    if mine:
        st.caption(f"Your vote: **{labels[mine]}**. You can change it while the poll is open.")
    return info, mine


def draw_live_results(module: Module, drawn: RoundInfo, has_voted: bool) -> None:
    """Draw the results, refreshed every few seconds without any action by the viewer."""
    drawn_state = drawn.effective_state(utcnow())

    @st.fragment(run_every=REFRESH_SECONDS)
    def live() -> None:
        with database_guard():
            draw_results_now(module, drawn, drawn_state, has_voted)

    live()


def draw_results_now(
    module: Module, drawn: RoundInfo, drawn_state: PollState, has_voted: bool
) -> None:
    """Draw the current results once (the body of the live fragment)."""
    info = shared_round(poll_id(module))
    state = info.effective_state(utcnow())
    if (info.round, state) != (drawn.round, drawn_state):
        st.rerun(scope="app")  # the presenter opened, closed or reset the poll
    closed = state is PollState.closed
    if not results_visible(module.poll.results_visibility, has_voted, closed):
        st.info("Results appear here once you have voted.", icon=":material/lock:")
        return
    results = poll_results(module.poll.options, shared_tally(poll_id(module), info.round))
    total = int(results["count"].sum())
    st.subheader(f"Results so far (n = {total})", anchor=False)
    if is_small(results):
        st.caption("Few votes so far: percentages can change a lot with each new vote.")
    st.plotly_chart(
        charts.poll_bar(results),
        width="stretch",
        config={"displayModeBar": False},
        theme=None,
        key="poll_chart",
        alt=describe(results),
    )
    st.caption(describe(results))


def draw_evidence(module: Module) -> None:
    """Draw the cited facts that put the poll question in context."""
    if not module.poll.evidence:
        return
    with st.container(border=True, key="poll_evidence"):
        st.markdown("**The evidence in brief**")
        for item in module.poll.evidence:
            st.markdown(f"- {item.text} \\[{module.reference_number(item.source)}\\]")
