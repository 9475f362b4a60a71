"""The app's one stylesheet: readable secondary text and finger-sized targets on every page.

Streamlit draws captions at 60 % opacity (about 3.9:1 on white, under WCAG's 4.5:1) and many of
its controls 22-40 px tall; phones need 44 px. Only Streamlit's own widgets are styled here, by
their `data-testid`; no content passes through this file.
"""

from __future__ import annotations

import re

import streamlit as st

TAP = "44px"  # WCAG 2.5.5 / Apple HIG minimum target height

SOURCE = f"""
/* Captions: a solid grey with 7:1 contrast instead of faded body text. */
[data-testid="stCaptionContainer"] {{ opacity: 1; color: #595959; }}

/* The main menu's "Made with Streamlit" line is faded the same way. */
[data-testid="stMainMenuPopover"] span {{ opacity: 1; }}

/* Buttons of every kind, links styled as buttons or page links, and the header's own. */
[data-testid^="stBaseButton"], [data-testid="stBaseLinkButton-primary"],
[data-testid="stBaseLinkButton-secondary"], [data-testid="stPopoverButton"],
[data-testid="stPageLink-NavLink"], [data-testid="stSidebarNavLink"],
[data-testid="stMainMenuButton"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarCollapseButton"] button {{
  min-height: {TAP}; min-width: {TAP};
}}
[data-testid="stPageLink-NavLink"], [data-testid="stSidebarNavLink"] {{
  display: flex; align-items: center;
}}
[data-testid="stExpander"] summary {{ min-height: {TAP}; }}

/* Radio options and checkboxes: the whole label is the target. */
[data-testid="stRadioOption"], [data-testid="stCheckbox"] label {{
  min-height: {TAP}; align-items: center;
}}

/* Select boxes, text and number inputs with their buttons, tabs. */
[data-testid="stSelectbox"] [data-baseweb="select"] > div,
[data-testid="stTextInputRootElement"], [data-testid="stTextInputField"],
[data-testid="stNumberInputContainer"], [data-testid="stNumberInputField"],
[data-testid="stTab"] {{ min-height: {TAP}; }}
[data-testid="stTextInputRootElement"] button, [data-testid^="stNumberInputStep"] {{
  min-height: {TAP}; min-width: {TAP};
}}

/* Help icons (the bare "?" buttons, not buttons that carry a tooltip) stay 16 px to the eye;
   the button around each grows, and negative margins keep the label's line where it was. */
[data-testid="stTooltipIcon"] button:not([data-testid]),
[data-testid="stDateInputCalendarButton"] {{
  min-height: {TAP}; min-width: {TAP}; margin: -14px;
}}

/* Links in running text: a taller hit area without moving the text (padding on an inline box). */
[data-testid="stMarkdownContainer"] :is(p, li) > a,
[data-testid="stCaptionContainer"] :is(p, li) > a {{ padding-block: 14px; }}

/* On phones, one option per line and the whole width to aim at; the poll's Vote button too. */
@media (max-width: 640px) {{
  [data-testid="stRadioGroup"] > div, [data-testid="stRadioOption"] {{ width: 100%; }}
  .st-key-poll_vote, .st-key-poll_vote .stButton, .st-key-poll_vote button {{ width: 100%; }}
}}

/* Heading anchor icons appear on hover; on touch screens they are only a tiny stray target. */
@media (hover: none) {{ [data-testid="stHeaderActionElements"] {{ display: none; }} }}
"""


def minify(css: str) -> str:
    """Return `css` without comments and runs of white space (the same rules, fewer bytes)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    css = re.sub(r"\s+", " ", css)
    return re.sub(r"\s*([{};,>])\s*", r"\1", css).strip()


# Sent on every page run: one line, so Streamlit's text clean-up and hashing have little to do.
CSS = f"<style>{minify(SOURCE)}</style>"


def apply_style() -> None:
    """Add the stylesheet to this run (call once per run, from app.py)."""
    st.html(CSS)
