"""Evaluation: the module's agreement statements, then everyone's answers."""

import streamlit as st

from rounds.ui.evaluation_widgets import draw_form, draw_results
from rounds.ui.modules import require_module
from rounds.ui.progress_bar import draw_progress

module = require_module("evaluation")

progress = draw_progress(module)
st.title("Evaluation")
if draw_form(module, progress.stored.evaluation):
    draw_results(module)
st.page_link(
    "views/poll.py",
    label="Next: opinion poll",
    query_params={"module": module.slug},
)
