"""Who the current participant is, and progress events recorded from the UI."""

from __future__ import annotations

import streamlit as st

from rounds import resources
from rounds.store.events import record_event
from rounds.ui.gate import PARTICIPANT


def participant() -> str:
    """Return the attested participant id of this session (app.py guarantees there is one)."""
    return st.session_state[PARTICIPANT]


def record(module: str, kind: str) -> None:
    """Append a progress event for the current participant."""
    record_event(resources.engine(), participant(), module, kind)


def record_once_per_session(module: str, kind: str) -> None:
    """Append a progress event unless this session already did (for page-view events)."""
    flag = f"_event_{module}_{kind}"
    if not st.session_state.get(flag):
        record(module, kind)
        st.session_state[flag] = True
