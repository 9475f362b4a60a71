"""Turn a database that is down or busy into a clear message instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy.exc import DBAPIError, OperationalError

MESSAGE = (
    "We cannot reach the database right now, so nothing could be loaded or saved. "
    "Nothing you saved before is lost. Please try again in a moment."
)


@contextmanager
def database_guard() -> Iterator[None]:
    """Show a clear message (and stop the run) if the database fails inside the block."""
    try:
        yield
    except (OperationalError, DBAPIError):
        st.error(MESSAGE, icon=":material/cloud_off:")
        st.button("Try again", key="outage_retry")
        st.stop()
