"""The dashboard's views, read once and shared by every educator in this process for 30 s.

At 100,000 participants a view takes a few hundred milliseconds to aggregate, and the page runs
again on every filter, tab or control pressed. What a view draws (its frames, its figures) is
kept for `KEEP_S` seconds per module, view and selection, stamped with when it was read; the
page says so, and "Refresh" reads the module's views again at once. Downloads are never taken
from here: each is built from the database when its button is pressed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TypeVar

from rounds.content.schema import Module
from rounds.dashboard import Filters
from rounds.ui.shared import Shared

KEEP_S = 30.0
T = TypeVar("T")

_views = Shared(KEEP_S, size=512)


def shared(module: Module, filters: Filters, view: str, read: Callable[[], T]) -> T:
    """Return what `read()` returns for this view, read at most once every `KEEP_S` seconds."""
    return _views.get((module.slug, view, filters), read)


def read_at(module: Module, filters: Filters, view: str) -> dt.datetime | None:
    """Return when the kept data of this view was read, if it is kept."""
    return _views.read_at((module.slug, view, filters))


def refresh(module: Module) -> None:
    """Forget everything kept for this module, so the next run reads it again."""
    _views.forget((module.slug,))


def forget_all() -> None:
    """Forget every kept view (benchmarks time a fresh read with it)."""
    _views.forget()
