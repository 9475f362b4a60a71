"""Rounds entry script: page config, the page list, the HCP gate and the site chrome.

Pages live in `views/`, not `pages/`: Streamlit's legacy multipage routing would serve a file in
`pages/` directly on a deep link to a fresh server, skipping this script and so the gate.
"""

import streamlit as st

from rounds import resources
from rounds.ui import chrome, gate
from rounds.ui.educator_access import is_educator
from rounds.ui.modules import draw_problems
from rounds.ui.outage import database_guard
from rounds.ui.page_list import PageSpec, pages
from rounds.ui.style import apply_style

# Learner pages carry no icon: Streamlit draws ":material/...:" icons with the Material Symbols
# font (367 KiB), which a phone joining the poll would download for the menu alone.
LEARNER_PAGES = (
    PageSpec("views/home.py", "Modules", default=True),
    PageSpec("views/article.py", "Article", url_path="article"),
    PageSpec("views/quiz.py", "Self-assessment", url_path="quiz"),
    PageSpec("views/evaluation.py", "Evaluation", url_path="evaluation"),
    PageSpec("views/poll.py", "Opinion poll", url_path="poll"),
    PageSpec("views/completion.py", "Completion", url_path="completion"),
)
# Educator pages guard themselves with a sign-in; they appear in the menu only once signed in.
EDUCATOR_PAGES = (
    PageSpec("views/presenter.py", "Presenter console", ":material/co_present:", "presenter"),
    PageSpec("views/screen.py", "Presenter screen", ":material/tv:", "screen"),
    PageSpec("views/dashboard.py", "Dashboard", ":material/monitoring:", "dashboard"),
)
EDUCATOR_PATHS = {spec.url_path for spec in EDUCATOR_PAGES}
# Pages drawn without the site chrome (the big screen in a meeting room).
BARE_PAGES = {"screen"}
# Where a phone lands from a meeting's join link (`/j/...`): its gate skips the optional country
# and the notices fold away (the question first; the disclosures one tap away).
JOIN_PAGES = {"poll"}
# Pages that use the whole screen width; every other page reads as a centred column.
WIDE_PAGES = {"screen", "dashboard"}
# The browser tab's title where it is not simply "Rounds".
TAB_TITLES = {
    "presenter": "Rounds · console",
    "screen": "Rounds · screen",
    "dashboard": "Rounds · dashboard",
}
ICON = "🩺"
# Before st.navigation: otherwise the page's Material icon becomes the favicon, fetched from
# fonts.gstatic.com (which the CSP refuses, and which would learn of every page view).
st.set_page_config(page_icon=ICON)

catalog = resources.catalog()
site = catalog.site
# One flat list: sections would put headers inside the menu's <ul> (an invalid list for screen
# readers); the educator pages, listed last, appear only once signed in.
every_page = pages(LEARNER_PAGES) + pages(EDUCATOR_PAGES, hidden=not is_educator())
if site is None:  # without site texts there is no gate to show: refuse everything
    st.set_page_config(page_title="Rounds", page_icon=ICON)
    st.navigation(every_page, position="hidden")
    apply_style()
    st.title("Rounds is not available")
    draw_problems(catalog)
    st.stop()

with database_guard():
    participant = gate.attested_participant(site)
if participant is None:
    page = st.navigation(every_page, position="hidden")
    st.set_page_config(page_title="Rounds", page_icon=ICON, layout="centered")
    apply_style()
    with database_guard():
        gate.draw_gate(site, ask_country=page.url_path not in JOIN_PAGES)
    st.stop()

page = st.navigation(every_page)
# The page config is set once per run, here: a page setting it again after this script would
# race with it when a run is cut short, and a big screen could be left in the narrow column.
st.set_page_config(
    page_title=TAB_TITLES.get(page.url_path, "Rounds"),
    page_icon=ICON,
    layout="wide" if page.url_path in WIDE_PAGES else "centered",
)
with st.sidebar:
    gate.remember_in_browser()
if page.url_path in BARE_PAGES:
    apply_style(hide_sidebar=True)
elif page.url_path in EDUCATOR_PATHS:  # a slim header of their own, not the learners' notices
    apply_style()
    chrome.draw_educator_header(site)
else:
    chrome.draw_sidebar(site)  # with the stylesheet
    chrome.draw_header(site, folded=page.url_path in JOIN_PAGES)
with database_guard():
    page.run()
