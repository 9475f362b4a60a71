"""Completion: what is done, time spent, score, and the PDF certificate."""

import streamlit as st

from rounds.ui.certificate_widgets import draw_certificate
from rounds.ui.modules import require_module
from rounds.ui.progress_bar import draw_progress

module = require_module()

progress = draw_progress(module)
st.title("Completion")
if not progress.complete:
    st.info("To complete the module, pass the self-assessment and submit the evaluation.")
    missing = [label for label, done in progress.steps()[2:4] if not done]
    st.write("Still to do: " + ", ".join(missing) + ".")
    st.page_link(
        "views/quiz.py",
        label="Self-assessment",
        query_params={"module": module.slug},
    )
    st.page_link(
        "views/evaluation.py",
        label="Evaluation",
        query_params={"module": module.slug},
    )
    st.stop()
draw_certificate(module, progress)
