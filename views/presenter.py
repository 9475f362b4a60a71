"""Console for the educator's laptop or phone: the session's sequence, every control of the poll,
its state, the count, what comes next and a preview of the screen view (`views/screen.py`)."""

import streamlit as st

from rounds.rules.progress import poll_id
from rounds.ui.educator_access import require_educator, sign_out_button
from rounds.ui.modules import require_module
from rounds.ui.presenter_widgets import (
    DISPLAY,
    draw_controls,
    draw_preview,
    draw_shortcuts,
    follow_console,
    read_round,
)
from rounds.ui.session_widgets import draw_item_preview, draw_session_controls, live_item

require_educator()
module = require_module("poll")

st.title("Presenter console", anchor=False)
st.caption(module.title)
st.link_button(
    "Open the screen view (new tab)", f"screen?module={module.slug}", icon=":material/open_in_new:"
)
st.caption("Put the screen view on the projector; this console keeps the controls.")
draw_session_controls(module)  # the sequence of questions, when the content declares one
info, state = read_round(module)
follow_console(module, f"{info.round}:{state.value}", DISPLAY.get(poll_id(module)))
draw_controls(module, info, state)
draw_shortcuts(module)
if (live := live_item(module)) is not None:
    draw_item_preview(module, live)
else:
    draw_preview(module, info, state)
sign_out_button()
