"""Educator dashboard: funnel, learning, evaluation and poll per module, with exports."""

import streamlit as st

from rounds.ui import dashboard_widgets as widgets
from rounds.ui.educator_access import require_educator
from rounds.ui.modules import require_module

st.set_page_config(page_title="Rounds · dashboard")
require_educator()
module = require_module()

st.title(f"Dashboard · {module.title}", anchor=False)
filters = widgets.draw_filters(module)
funnel, learning, evaluation, poll, exports = st.tabs(
    ["Funnel", "Learning", "Evaluation", "Poll", "Exports"]
)
with funnel:
    widgets.draw_funnel(module, filters)
with learning:
    widgets.draw_learning(module, filters)
with evaluation:
    widgets.draw_evaluation(module, filters)
with poll:
    widgets.draw_poll(module, filters)
with exports:
    widgets.draw_exports(module, filters)
