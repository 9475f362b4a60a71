"""Rounds entry script: page config, the page list, the HCP gate and the site chrome.

Pages live in `views/`, not `pages/`: Streamlit's legacy multipage routing would serve a file in
`pages/` directly on a deep link to a fresh server, skipping this script and so the gate.
"""

import streamlit as st

from rounds.ui import chrome, gate, resources
from rounds.ui.educator_access import is_educator
from rounds.ui.modules import draw_problems
from rounds.ui.outage import database_guard
from rounds.ui.style import apply_style

st.set_page_config(page_title="Rounds", page_icon="🩺")
apply_style()

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
# Educator pages guard themselves with a sign-in; they appear in the menu only once signed in.
educator_menu = "visible" if is_educator() else "hidden"
EDUCATOR_PAGES = [
    st.Page(
        "views/presenter.py",
        title="Presenter",
        icon=":material/co_present:",
        url_path="presenter",
        visibility=educator_menu,
    ),
    st.Page(
        "views/dashboard.py",
        title="Dashboard",
        icon=":material/monitoring:",
        url_path="dashboard",
        visibility=educator_menu,
    ),
]
# Pages drawn without the site chrome (the big screen in a meeting room).
BARE_PAGES = {"presenter"}
# Pages that use the whole screen width; every other page reads as a centred column.
WIDE_PAGES = {"presenter", "dashboard"}

catalog = resources.catalog()
site = catalog.site
if site is None:  # without site texts there is no gate to show: refuse everything
    st.navigation(PAGES + EDUCATOR_PAGES, position="hidden")
    st.title("Rounds is not available")
    draw_problems(catalog)
    st.stop()

with database_guard():
    participant = gate.attested_participant(site)
# One flat list: sections would put headers inside the menu's <ul> (an invalid list for screen
# readers); the educator pages, listed last, appear only once signed in.
every_page = PAGES + EDUCATOR_PAGES
if participant is None:
    page = st.navigation(every_page, position="hidden")
    st.set_page_config(layout="centered")
    with database_guard():
        gate.draw_gate(site)
    st.stop()

page = st.navigation(every_page)
# The layout is set once per run, here: a page setting it again after this script would race
# with it when a run is cut short, and a big screen could be left in the narrow column.
st.set_page_config(layout="wide" if page.url_path in WIDE_PAGES else "centered")
with st.sidebar:
    gate.remember_in_browser()
if page.url_path in BARE_PAGES:
    chrome.hide_sidebar()
else:
    chrome.draw_sidebar(site)
    chrome.draw_header(site)
with database_guard():
    page.run()
