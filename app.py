"""Rounds entry script: page config, the page list, the HCP gate and the site chrome.

Pages live in `views/`, not `pages/`: Streamlit's legacy multipage routing would serve a file in
`pages/` directly on a deep link to a fresh server, skipping this script and so the gate.
"""

import streamlit as st

from rounds.ui import chrome, gate, resources
from rounds.ui.modules import draw_problems
from rounds.ui.outage import database_guard

st.set_page_config(page_title="Rounds", page_icon=":material/stethoscope:", layout="centered")

PAGES = [
    st.Page("views/home.py", title="Modules", icon=":material/home:", default=True),
    st.Page("views/article.py", title="Article", icon=":material/article:", url_path="article"),
    st.Page("views/quiz.py", title="Self-assessment", icon=":material/quiz:", url_path="quiz"),
    st.Page(
        "views/evaluation.py",
        title="Evaluation",
        icon=":material/rate_review:",
        url_path="evaluation",
    ),
    st.Page("views/poll.py", title="Opinion poll", icon=":material/how_to_vote:", url_path="poll"),
    st.Page(
        "views/completion.py",
        title="Completion",
        icon=":material/workspace_premium:",
        url_path="completion",
    ),
]

catalog = resources.catalog()
site = catalog.site
if site is None:  # without site texts there is no gate to show: refuse everything
    st.navigation(PAGES, position="hidden")
    st.title("Rounds is not available")
    draw_problems(catalog)
    st.stop()

with database_guard():
    participant = gate.attested_participant(site)
if participant is None:
    page = st.navigation(PAGES, position="hidden")
    with database_guard():
        gate.draw_gate(site)
    st.stop()

page = st.navigation(PAGES)
chrome.draw_sidebar(site)
with st.sidebar:
    gate.remember_in_browser()
chrome.draw_header(site)
with database_guard():
    page.run()
