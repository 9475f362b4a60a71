"""Self-assessment: the optional before-reading test and the after-reading test with feedback."""

import streamlit as st

from rounds.ui.modules import require_module
from rounds.ui.progress_bar import draw_progress
from rounds.ui.quiz_widgets import draw_posttest, draw_pretest

module = require_module("quiz")

stored = draw_progress(module).stored
st.title("Self-assessment")
st.caption(f"Learning objective: {module.learning_objective}")

if st.query_params.get("phase") == "pre":
    st.header("Before you read")
    draw_pretest(module, stored)
    st.page_link(
        "views/article.py",
        label="Read the article",
        query_params={"module": module.slug},
    )
else:
    st.markdown(
        f"## After reading\n\n{len(module.quiz.questions)} questions; you see the answer and "
        f"its source after each. The pass mark is {round(100 * module.quiz.pass_mark)}% and you "
        "may retry."
    )
    draw_posttest(module, stored)
    st.page_link(
        "views/evaluation.py",
        label="Next: evaluation",
        query_params={"module": module.slug},
    )
