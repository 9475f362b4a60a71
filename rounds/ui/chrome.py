"""Site chrome shown on every page after the gate: translation notice, disclosure, support."""

from __future__ import annotations

import streamlit as st

from rounds.content.schema import Site
from rounds.figures.site_chrome import header_html, sidebar_html
from rounds.ui.style import CSS

FOLD_SUMMARY = "About this activity: funding and machine translation"


def draw_header(site: Site, folded: bool = False) -> None:
    """Draw the notices that precede any content: one element (see `rounds.figures.site_chrome`).

    `folded` puts them in one closed fold (the poll page, where phones join a meeting: the
    learner read them at the gate, and the question must come first on a phone's screen).
    """
    notices = header_html(site)
    if folded:
        summary = f"<summary>{FOLD_SUMMARY}</summary>"
        notices = f'<details class="rounds-fold">{summary}{notices}</details>'
    st.html(notices)


def draw_sidebar(site: Site) -> None:
    """Draw the site name and the support call in the sidebar: one element.

    The app's stylesheet travels in the same element (a style applies wherever it sits, the
    sidebar folded away on a phone included): one element fewer on every run of every page.
    """
    st.sidebar.html(CSS + sidebar_html(site))


def draw_educator_header(site: Site) -> None:
    """Draw the educator pages' slim header: whose site, for educators; no learner notices."""
    st.caption(f"{site.name} · for educators")
