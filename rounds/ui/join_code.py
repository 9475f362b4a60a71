"""The home page's "Have a code?" field: the short join code shown on a meeting's screen."""

from __future__ import annotations

import logging

import streamlit as st

from rounds.content.loader import Catalog
from rounds.logs import refused

log = logging.getLogger(__name__)
CODE_KEY = "home_join_code"
WRONG_CODE = "No module has the code {code}. Check the four digits on the screen."


def _join(catalog: Catalog) -> None:
    code = (st.session_state.get(CODE_KEY) or "").strip()
    found = catalog.by_join_code(code)
    if found is None:
        refused(log, "home", CODE_KEY, code)
        st.session_state["home_join_error"] = (
            WRONG_CODE.format(code=code) if code else "Type the four digits shown on the screen."
        )
        return
    st.session_state.pop("home_join_error", None)
    st.session_state["home_join_to"] = found.module.slug


def draw_code_field(catalog: Catalog) -> None:
    """Draw a field for a meeting's 4-digit join code; a right code opens that module's poll."""
    if not any(m.module.join_code for m in catalog.modules.values()):
        return
    with st.form("home_join", border=False, enter_to_submit=True):
        row = st.container(horizontal=True, vertical_alignment="bottom")
        row.text_input("Have a code?", max_chars=4, key=CODE_KEY, width=160)
        row.form_submit_button("Join", on_click=_join, args=(catalog,))
    if error := st.session_state.get("home_join_error"):
        st.error(error)
    if slug := st.session_state.pop("home_join_to", None):
        st.switch_page("views/poll.py", query_params={"module": slug})
