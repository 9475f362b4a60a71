"""Completion: what is done, time spent, score, and the PDF certificate."""

import streamlit as st

from rounds.rules.progress import TO_DO
from rounds.ui.certificate_widgets import draw_certificate
from rounds.ui.modules import require_module
from rounds.ui.progress_bar import draw_progress

module = require_module()

progress = draw_progress(module)
st.title("Completion")
if not progress.complete:
    # The module's own completion rule (content), step by step: what is still missing.
    st.info("To complete this module and get its certificate, you still need to:")
    for step in progress.missing:
        label, page = TO_DO[step]
        st.page_link(page, label=label, query_params={"module": module.slug})
    st.stop()
draw_certificate(module, progress)
