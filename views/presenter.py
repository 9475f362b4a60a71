"""Presenter view for the big screen: question, QR code to join, live chart, poll controls."""

import streamlit as st

from rounds.ui import resources
from rounds.ui.educator_access import require_educator
from rounds.ui.modules import current_module
from rounds.ui.presenter_widgets import draw_big_screen, draw_controls

st.set_page_config(page_title="Rounds · presenter", layout="wide")
require_educator()
loaded = current_module(resources.catalog())
if loaded is None or loaded.module.poll is None:
    st.stop()

draw_big_screen(loaded.module)
draw_controls(loaded.module)
