"""The live opinion poll: vote, then see everyone's answers update as they come in."""

import streamlit as st

from rounds.ui.modules import require_module
from rounds.ui.poll_widgets import draw_poll

module = require_module("poll")

draw_poll(module)
st.page_link(
    "views/completion.py",
    label="Next: completion",
    query_params={"module": module.slug},
)
