"""The article: title, date, objective, disclosures, body, Key data, Key learning, references."""

import streamlit as st

from rounds.content.article import article_markdown
from rounds.progress import ARTICLE_OPENED
from rounds.ui import resources
from rounds.ui.modules import current_module
from rounds.ui.progress_bar import draw_progress
from rounds.ui.tracking import record_once_per_session

loaded = current_module(resources.catalog())
if loaded is None:
    st.stop()
module = loaded.module
record_once_per_session(module.slug, ARTICLE_OPENED)
progress = draw_progress(module)

st.title(module.title)
st.caption(f"Published {module.published:%d %B %Y} · about {module.estimated_minutes} minutes")
st.info(f"**Learning objective:** {module.learning_objective}")
if module.disclosures:
    with st.container(border=True, key="article_disclosures"):
        st.markdown("**Disclosures**\n\n" + "\n".join(f"- {line}" for line in module.disclosures))

if module.quiz and not progress.pre_done and not progress.best_post:
    st.page_link(
        "views/quiz.py",
        label="Optional: test yourself before reading",
        query_params={"module": module.slug, "phase": "pre"},
    )

st.markdown(article_markdown(module, loaded.body))

if module.quiz:
    st.page_link(
        "views/quiz.py",
        label="Next: self-assessment",
        query_params={"module": module.slug},
    )
