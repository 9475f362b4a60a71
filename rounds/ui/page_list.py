"""The app's pages for `st.navigation`, built once per process and copied for every run.

`st.Page` resolves and checks its script file, its icon and its URL when it is made; on every
run of every session that cost as much as a few elements. The page objects are made once from
their specs and each run gets shallow copies: `st.navigation` marks the page it picks as
runnable, so a run must never share an object with another session's run.
"""

from __future__ import annotations

import copy
import threading
from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageSpec:
    """What `st.Page` is told about one page."""

    script: str
    title: str
    icon: str | None = None
    url_path: str | None = None
    default: bool = False


_lock = threading.Lock()
_made: dict[tuple[tuple[PageSpec, ...], bool], list[st.Page]] = {}


def pages(specs: tuple[PageSpec, ...], *, hidden: bool = False) -> list[st.Page]:
    """Return fresh `st.Page` objects for `specs` (left out of the menu when `hidden`)."""
    key = (specs, hidden)
    made = _made.get(key)
    if made is None:
        visibility = "hidden" if hidden else "visible"
        made = [
            st.Page(
                s.script,
                title=s.title,
                icon=s.icon,
                url_path=s.url_path,
                default=s.default,
                visibility=visibility,
            )
            for s in specs
        ]
        with _lock:
            made = _made.setdefault(key, made)
    return [copy.copy(page) for page in made]
