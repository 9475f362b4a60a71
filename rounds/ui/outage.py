"""Turn a database that is down or busy into a clear message instead of a traceback."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec

import streamlit as st

from rounds.store.engine import DATABASE_ERRORS

MESSAGE = (
    "We cannot reach the database right now, so nothing could be loaded or saved. "
    "Nothing you saved before is lost. Please try again in a moment."
)
P = ParamSpec("P")
log = logging.getLogger(__name__)


def _log_outage(where: str, error: Exception) -> None:
    # The driver's own message, not SQLAlchemy's, which would carry the statement's parameters.
    cause = getattr(error, "orig", None) or error
    log.error("database unavailable (%s): %s: %s", where, type(cause).__name__, str(cause)[:200])


@contextmanager
def database_guard() -> Iterator[None]:
    """Show a clear message (and stop the run) if the database fails inside the block."""
    try:
        yield
    except DATABASE_ERRORS as error:
        _log_outage("drawing a page", error)
        st.error(MESSAGE)
        st.button("Try again", key="outage_retry")
        st.stop()


def guarded_write(error_key: str, what: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Wrap a write callback: if the database fails, say `what` was not saved under `error_key`.

    The page draws `st.session_state[error_key]` as it does for any other refusal, so the person
    knows their input was not stored and can simply press the button again.
    """

    def wrap(callback: Callable[P, None]) -> Callable[P, None]:
        @functools.wraps(callback)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> None:
            try:
                callback(*args, **kwargs)
            except DATABASE_ERRORS as error:
                _log_outage(f"saving {what.lower()}", error)
                st.session_state[error_key] = (
                    f"{what} could not be saved: the database is not answering right now. "
                    "Nothing was recorded; please press the button again in a moment."
                )

        return guarded

    return wrap
