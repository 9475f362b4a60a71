"""Site chrome shown on every page after the gate: translation notice, disclosure, support."""

from __future__ import annotations

import streamlit as st

from rounds.content.schema import Site
from rounds.site_chrome import header_html, sidebar_html


def draw_header(site: Site) -> None:
    """Draw the notices that precede any content: one element (see `rounds.site_chrome`)."""
    st.html(header_html(site))


def draw_sidebar(site: Site) -> None:
    """Draw the site name and the support call in the sidebar: one element."""
    st.sidebar.html(sidebar_html(site))


def hide_sidebar() -> None:
    """Hide the sidebar and its toggle (for the big screen in a meeting room)."""
    st.html(
        "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
        " [data-testid='stExpandSidebarButton'] {display: none !important;}</style>"
    )
