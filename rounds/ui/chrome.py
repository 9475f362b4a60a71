"""Site chrome shown on every page after the gate: translation notice, disclosure, support."""

from __future__ import annotations

import streamlit as st

from rounds import markdown
from rounds.content.schema import Site


def draw_disclosure(site: Site) -> None:
    """Draw the independent-education statement with a way to view the funders."""
    disclosure = site.disclosure
    with st.container(border=True, key="chrome_disclosure"):
        st.caption(disclosure.statement)
        with st.popover("View funders", icon=":material/groups:", key="chrome_funders"):
            st.markdown("**Funders of this activity**")
            # A Markdown table: a plain HTML table, cheap to draw on every page and read aloud.
            rows = [[f.name, f.level] for f in disclosure.funders]
            st.markdown(markdown.table(["Funder", "Support"], rows))
            st.caption(disclosure.influence)


def draw_header(site: Site) -> None:
    """Draw the notices that precede any content."""
    with st.expander("About machine translation", icon=":material/translate:"):
        st.caption(site.translation_notice)
    draw_disclosure(site)


def draw_sidebar(site: Site) -> None:
    """Draw the site name and the support call in the sidebar."""
    with st.sidebar:
        st.markdown(f"**{site.name}** · {site.tagline}")
        with st.container(border=True, key="chrome_support"):
            st.markdown(f"**{site.support.title}**")
            st.caption(site.support.text)
            st.link_button(site.support.link.label, str(site.support.link.url))


def hide_sidebar() -> None:
    """Hide the sidebar and its toggle (for the big screen in a meeting room)."""
    st.html(
        "<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'],"
        " [data-testid='stExpandSidebarButton'] {display: none !important;}</style>"
    )
