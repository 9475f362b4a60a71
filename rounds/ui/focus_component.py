"""Move keyboard focus to a heading and scroll it into view, once per step of a page.

Streamlit has no way to move focus, and `st.html` drops scripts: a small component (its script a
file from the app's own origin, which the CSP allows) reaches into the page around its frame,
gives the heading focus (so keyboard and screen-reader users land on it) and scrolls it to the
top. Each `step` is handled once per browser tab (kept in the tab's session storage), so a rerun
or a reload of the same step leaves focus and scrolling alone.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

_component = components.declare_component("focus", path=str(Path(__file__).with_name("focus")))


def focus_heading(anchor: str, step: str, *, key: str) -> None:
    """Focus the heading whose anchor (id) is `anchor` the first time `step` is drawn."""
    _component(target=anchor, step=step, key=key, default=None)
