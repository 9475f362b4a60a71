"""The screen view of a meeting's poll: the question, the live results, the QR and the code.

Made for a projector at 1280x720 or 1920x1080: no Streamlit header, running indicator or
sidebar, nothing to scroll, and the join address on one line. The keys O and S work the poll
(hidden buttons with Streamlit's shortcuts); the console lists them.
"""

from __future__ import annotations

from html import escape

import streamlit as st

from rounds.content.schema import Module
from rounds.figures.qr import qr_svg
from rounds.rules.lifecycle import PollState, RoundInfo
from rounds.rules.progress import poll_id
from rounds.ui.outage import database_guard
from rounds.ui.presenter_widgets import (
    DISPLAY,
    draw_live_chart,
    join_url,
    open_or_close,
    read_counts,
    read_round,
    show_or_hide_results,
)
from rounds.ui.session_widgets import draw_item_results, draw_session_keys, live_item

# A constant stylesheet (no content in it): the page keeps to the projector's one screen.
SCREEN_CSS = """<style>
[data-testid='stHeader'],[data-testid='stToolbar'],[data-testid='stStatusWidget'],
[data-testid='stDecoration'],[data-testid='stElementToolbar'],.st-key-screen_keys{
  display:none !important;}
[data-testid='stMainBlockContainer']{padding:1.25rem 2.5rem 0 !important;max-width:100%;}
.st-key-screen_question h1{font-size:clamp(1.75rem,2.7vw,3.25rem);line-height:1.2;padding:0;}
.st-key-screen_join p{white-space:nowrap;word-break:keep-all;overflow-wrap:normal;margin:0;}
.st-key-screen_join .rounds-scan{font-size:clamp(0.9rem,1.2vw,1.4rem);color:#595959;}
.st-key-screen_join .rounds-code{font-size:clamp(1.75rem,3vw,3.5rem);font-weight:700;
  letter-spacing:0.1em;}
</style>"""


def url_size(address: str) -> str:
    """Return a font size that keeps the join address on one line within its column.

    The column is about a fifth of the window wide and a character about 0.55 em: a long public
    address gets smaller type rather than a line break in the middle of a word.
    """
    return f"min({min(1.6, 36 / max(len(address), 1)):.2f}vw, 1.9rem)"


def draw_keys(module: Module) -> None:
    """Draw the hidden buttons behind the screen's keyboard shortcuts."""
    with st.container(key="screen_keys"):
        st.button(
            "Open or close",
            key="screen_open_close",
            shortcut="O",
            on_click=open_or_close,
            args=(module,),
        )
        st.button(
            "Show or hide results",
            key="screen_results",
            shortcut="S",
            on_click=show_or_hide_results,
            args=(module,),
        )
        draw_session_keys(module)


@st.fragment(run_every=0.5)
def draw_results(module: Module, info: RoundInfo, state: PollState, counts: dict[str, int]) -> None:
    """Draw the live results as the console says (results, count), checked twice a second
    (and whether a session has started, which the whole screen then draws).

    The stream keeps the numbers and the state current; this fragment redraws the component
    only with what the screen shows, from the round read at the page's last run.
    """
    if live_item(module) is not None:  # the console started a session: draw its live item
        st.rerun(scope="app")
    shown = DISPLAY.get(poll_id(module))
    draw_live_chart(module, info, state, counts, shown, key="screen_live", large=True)


def draw_screen(module: Module) -> None:
    """Draw the question, the live results, the QR code, the join address and the code."""
    st.html(SCREEN_CSS)
    url = join_url(module)
    live = live_item(module)  # a session's live item, else the module's poll
    with st.container(key="screen_question"):
        if live is not None:
            st.caption(live.title)
        st.title(live.question if live else module.poll.question, anchor=False)
    chart_col, join_col = st.columns([3, 1], gap="large")
    with join_col:
        st.image(qr_svg(url), alt=f"QR code for {url}", width="stretch")
        with st.container(key="screen_join"):
            st.html("<p class='rounds-scan'>Scan, or open</p>")
            address = url.split("://", 1)[-1]
            st.html(
                f"<p class='rounds-url' style='font-size:{url_size(address)}'>{escape(address)}</p>"
            )
            if module.join_code:
                st.html(
                    "<p class='rounds-scan'>Code</p>"
                    f"<p class='rounds-code'>{escape(module.join_code)}</p>"
                )
    with chart_col, database_guard():
        if live is not None:
            draw_item_results(module, live, key="screen_live", large=True)
        else:
            info, state = read_round(module)
            draw_results(module, info, state, read_counts(module, info))
    draw_keys(module)
