"""The live opinion poll: vote, then see everyone's answers update as they come in."""

import streamlit as st

from rounds.ui.modules import require_module
from rounds.ui.poll_widgets import draw_evidence, draw_live_results, draw_vote
from rounds.ui.progress_bar import draw_progress

module = require_module("poll")

draw_progress(module)
st.title("Your opinion")
# Two fixed slots: whatever the vote section shows, the live results keep their place on the
# page, so their frame (and its stream) survives every rerun instead of reloading.
vote_slot, results_slot = st.container(), st.container()
with vote_slot:
    drawn, mine = draw_vote(module)
with results_slot:
    draw_live_results(module, drawn, has_voted=mine is not None)
if mine:
    draw_evidence(module)
st.page_link(
    "views/completion.py",
    label="Next: completion",
    icon=":material/arrow_forward:",
    query_params={"module": module.slug},
)
