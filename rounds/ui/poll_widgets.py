"""The live poll: the vote, the results that refresh on their own, and the evidence panel."""

from __future__ import annotations

import streamlit as st

from rounds import charts
from rounds.content.schema import Module
from rounds.progress import poll_id
from rounds.store.votes import record_vote, tally, vote_of
from rounds.tallies import describe, is_small, poll_results, results_visible
from rounds.ui import resources
from rounds.ui.tracking import participant, record

REFRESH_SECONDS = 2


@st.cache_data(ttl=1.0, show_spinner=False, max_entries=256)
def shared_tally(poll: str, round_no: int) -> dict[str, int]:
    """Return the vote counts, shared by every viewer in this process for up to a second."""
    return tally(resources.engine(), poll, round_no)


def _vote(module: Module) -> None:
    choice = st.session_state.get("poll_choice")
    if choice not in {o.key for o in module.poll.options}:
        st.session_state["poll_error"] = "Choose one of the options to vote."
        return
    st.session_state.pop("poll_error", None)
    record_vote(resources.engine(), poll_id(module), participant(), choice)
    record(module.slug, "voted")
    shared_tally.clear()  # everyone's next refresh shows this vote


def draw_vote(module: Module) -> str | None:
    """Draw the question and the vote control; return the participant's stored vote."""
    poll = module.poll
    mine = vote_of(resources.engine(), poll_id(module), participant())
    labels = {o.key: o.label for o in poll.options}
    st.radio(
        poll.question,
        list(labels),
        format_func=labels.get,
        index=list(labels).index(mine) if mine in labels else None,
        key="poll_choice",
    )
    st.button(
        "Change my vote" if mine else "Vote",
        type="primary",
        on_click=_vote,
        args=(module,),
        key="poll_vote",
    )
    if error := st.session_state.get("poll_error"):
        st.error(error)
    if mine:
        st.caption(f"Your vote: **{labels[mine]}**. You can change it while the poll is open.")
    return mine


def draw_live_results(module: Module, has_voted: bool) -> None:
    """Draw the results, refreshed every few seconds without any action by the viewer."""

    @st.fragment(run_every=REFRESH_SECONDS)
    def live() -> None:
        if not results_visible(module.poll.results_visibility, has_voted, closed=False):
            st.info("Results appear here once you have voted.", icon=":material/lock:")
            return
        results = poll_results(module.poll.options, shared_tally(poll_id(module), 1))
        total = int(results["count"].sum())
        st.subheader(f"Results so far (n = {total})")
        if is_small(results):
            st.caption("Few votes so far: percentages can change a lot with each new vote.")
        st.plotly_chart(
            charts.poll_bar(results),
            width="stretch",
            config={"displayModeBar": False},
            key="poll_chart",
        )
        st.caption(describe(results))

    live()


def draw_evidence(module: Module) -> None:
    """Draw the cited facts that put the poll question in context."""
    if not module.poll.evidence:
        return
    with st.container(border=True, key="poll_evidence"):
        st.markdown("**The evidence in brief**")
        for item in module.poll.evidence:
            st.markdown(f"- {item.text} \\[{module.reference_number(item.source)}\\]")
