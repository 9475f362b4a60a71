"""The app's one stylesheet: readable secondary text and finger-sized targets on every page.

Streamlit draws captions at 60 % opacity (about 3.9:1 on white, under WCAG's 4.5:1) and many of
its controls 22-40 px tall; phones need 44 px. Streamlit's own widgets are styled here by their
`data-testid`, and the site chrome's fragments (`rounds/figures/site_chrome.py`) by their `rounds-`
classes, drawn to match Streamlit's expanders, bordered containers and buttons; no content passes
through this file.
"""

from __future__ import annotations

import re

import streamlit as st

TAP = "44px"  # WCAG 2.5.5 / Apple HIG minimum target height
PRIMARY = "#0b5cad"  # theme.primaryColor in .streamlit/config.toml

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
/* Pills (a row of toggle buttons with no test id of their own). */
[data-testid="stButtonGroup"] button {{ min-height: {TAP}; }}

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
[data-testid="stCaptionContainer"] :is(p, li) > a,
.rounds-references li > a {{ padding-block: 14px; }}
/* The article's references (an HTML list, for their anchors): spaced like Markdown's lists, and
   a citation's jump stops below Streamlit's fixed header. */
.rounds-references li {{ margin-bottom: 0.5rem; scroll-margin-top: 4.5rem; }}

/* On phones, one option per line and the whole width to aim at; the poll's Vote button too. */
@media (max-width: 640px) {{
  [data-testid="stRadioGroup"] > div, [data-testid="stRadioOption"] {{ width: 100%; }}
  .st-key-poll_vote, .st-key-poll_vote .stButton, .st-key-poll_vote button {{ width: 100%; }}
}}

/* The site chrome (rounds/figures/site_chrome.py): folds like expanders, boxes like bordered
   containers. */
.rounds-chrome {{ display: flex; flex-direction: column; gap: 1rem; }}
.rounds-chrome p, .rounds-box p {{ margin: 0 0 0.5rem; }}
.rounds-box {{
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; padding: 1rem;
}}
.rounds-note {{ font-size: 0.875rem; color: #595959; }}
.rounds-fold {{ border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; }}
.rounds-fold > summary {{
  min-height: {TAP}; display: flex; align-items: center; gap: 0.5rem; padding: 0 1rem;
  cursor: pointer; font-size: 0.875rem; list-style: none; border-radius: 0.5rem;
}}
.rounds-fold > summary::-webkit-details-marker {{ display: none; }}
.rounds-fold > summary::before {{
  content: ""; width: 0.45rem; height: 0.45rem; border: solid currentColor;
  border-width: 0 2px 2px 0; transform: rotate(-45deg); transition: transform 0.15s;
}}
.rounds-fold[open] > summary::before {{ transform: rotate(45deg); }}
.rounds-fold > summary:hover {{ color: {PRIMARY}; }}
.rounds-fold > summary:focus-visible {{ outline: 2px solid {PRIMARY}; outline-offset: 2px; }}
.rounds-fold > :not(summary) {{ margin: 0 1rem 0.75rem; }}
.rounds-funders {{ display: inline-block; min-width: min(100%, 18rem); }}
.rounds-funders table {{ border-collapse: collapse; font-size: 0.875rem; }}
.rounds-funders caption {{ text-align: left; font-weight: 600; padding-bottom: 0.25rem; }}
.rounds-funders th, .rounds-funders td {{
  text-align: left; padding: 0.25rem 0.75rem 0.25rem 0;
  border-bottom: 1px solid rgba(49, 51, 63, 0.1);
}}
.rounds-site {{ margin-bottom: 1rem; }}
a.rounds-button {{
  display: inline-flex; align-items: center; min-height: {TAP}; padding: 0 0.75rem;
  border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; background: #fff;
  color: inherit; text-decoration: none;
}}
a.rounds-button:hover {{ border-color: {PRIMARY}; color: {PRIMARY}; }}
a.rounds-button:focus-visible {{ outline: 2px solid {PRIMARY}; outline-offset: 2px; }}

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
# The big screen in a meeting room: no sidebar, and no toggle to open one.
NO_SIDEBAR = (
    "<style>[data-testid='stSidebar'],[data-testid='stSidebarCollapsedControl'],"
    "[data-testid='stExpandSidebarButton']{display: none !important;}</style>"
)


def apply_style(*, hide_sidebar: bool = False) -> None:
    """Add the stylesheet to this run, on a page without the site chrome (which carries it)."""
    st.html(CSS + NO_SIDEBAR if hide_sidebar else CSS)
