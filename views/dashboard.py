"""Educator dashboard: funnel, learning, evaluation and poll per module, with exports."""

import streamlit as st

from rounds.ui import dashboard_widgets as widgets
from rounds.ui.educator_access import require_educator
from rounds.ui.modules import require_module

require_educator()
module = require_module()

st.title(f"Dashboard · {module.title}", anchor=False)
filters = widgets.draw_filters(module)
# Only the open tab's data is read (at 100,000 participants a tab takes a few hundred ms), and
# kept for half a minute (rounds/ui/dashboard_data.py); choosing another tab reruns the page.
# The tab is kept in the address, to share or reload.
VIEWS = {
    "Funnel": widgets.draw_funnel,
    "Learning": widgets.draw_learning,
    "Evaluation": widgets.draw_evaluation,
    "Poll": widgets.draw_poll,
    "Exports": widgets.draw_exports,
}
tabs = st.tabs(list(VIEWS), key="dash_tab", on_change="rerun", bind="query-params")
for tab, (name, draw) in zip(tabs, VIEWS.items(), strict=True):
    if tab.open:
        with tab:
            draw(module, filters)
            widgets.draw_freshness(module, filters, name.lower())
