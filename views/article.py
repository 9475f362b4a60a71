"""The article: title, dates, objective, accreditation and disclosures, then the content."""

import datetime as dt

import streamlit as st

from rounds import resources
from rounds.content.article import (
    article_markdown,
    dates_line,
    front_matter_markdown,
    references_html,
)
from rounds.rules.progress import ARTICLE_OPENED
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
st.caption(f"{dates_line(module)} · about {module.estimated_minutes} minutes")
if module.is_expired(dt.date.today()):
    st.warning(
        f"This activity expired on {module.expires:%d %B %Y}: it is kept for reference and is "
        "no longer offered to new learners."
    )
st.info(f"**Learning objective:** {module.learning_objective}")
with st.container(border=True, key="article_disclosures"):
    st.markdown(
        "**Before you start: accreditation and disclosures**\n\n" + front_matter_markdown(module)
    )

if module.quiz and not progress.pre_done and not progress.best_post:
    st.page_link(
        "views/quiz.py",
        label="Optional: test yourself before reading",
        query_params={"module": module.slug, "phase": "pre"},
    )

st.markdown(article_markdown(module, loaded.body))
# HTML (escaped, and sanitised again by st.html) for the one thing Markdown cannot do: give each
# reference the id its citations link to.
st.html(references_html(module))

if module.quiz:
    st.page_link(
        "views/quiz.py",
        label="Next: self-assessment",
        query_params={"module": module.slug},
    )
