"""Educator dashboard: funnel, learning, evaluation and poll per module, with exports."""

import streamlit as st

from rounds.ui import dashboard_widgets as widgets
from rounds.ui.certificate_check import draw_certificate_check
from rounds.ui.educator_access import require_educator, sign_out_button
from rounds.ui.modules import require_module

require_educator()
module = require_module()

st.title(f"Dashboard · {module.title}", anchor=False)
filters = widgets.draw_filters(module)
# Only the chosen view's data is read (at 100,000 participants a view takes a few hundred ms),
# and kept for half a minute (rounds/ui/dashboard_data.py). The views are chosen with one
# control rather than tabs (a tab is a block of its own to send on every run); the choice is
# kept in the address, to share or reload.
VIEWS = {
    "Funnel": widgets.draw_funnel,
    "Learning": widgets.draw_learning,
    "Evaluation": widgets.draw_evaluation,
    "Poll": widgets.draw_poll,
    "Exports": widgets.draw_exports,
    "Certificates": draw_certificate_check,
}
view = st.segmented_control(
    "View",
    list(VIEWS),
    default="Funnel",
    required=True,
    key="dash_tab",
    bind="query-params",
    label_visibility="collapsed",
)
VIEWS[view](module, filters)
widgets.draw_freshness(module, filters, view.lower())
sign_out_button()
