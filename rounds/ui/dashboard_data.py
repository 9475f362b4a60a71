"""The dashboard's views, read once and shared by every educator in this process for 30 s.

At 100,000 participants a view takes a few hundred milliseconds to aggregate, and the page runs
again on every filter, tab or control pressed. What a view draws (its frames, its figures) is
kept here for `KEEP_S` seconds per module, selection and view, stamped with when it was read;
the page says so, and "Refresh" reads the module's views again at once. Downloads are never
taken from here: each is built from the database when its button is pressed.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TypeVar

from cachetools import TTLCache

from rounds.content.schema import Module
from rounds.dashboard import Filters
from rounds.store.engine import utcnow
from rounds.ui import resources

KEEP_S = 30.0
T = TypeVar("T")

_kept: TTLCache = TTLCache(maxsize=512, ttl=KEEP_S)
_lock = threading.Lock()


def _key(module: Module, filters: Filters, view: str) -> tuple:
    return (resources.settings().database_url, module.slug, filters, view)


def shared(module: Module, filters: Filters, view: str, read: Callable[[], T]) -> T:
    """Return what `read()` returns for this view, read at most once every `KEEP_S` seconds."""
    key = _key(module, filters, view)
    with _lock:
        found = _kept.get(key)
    if found is None:
        found = (read(), utcnow())  # read outside the lock: other views need not wait
        with _lock:
            _kept[key] = found
    return found[0]


def read_at(module: Module, filters: Filters, view: str) -> dt.datetime | None:
    """Return when the kept data of this view was read, if it is kept."""
    with _lock:
        found = _kept.get(_key(module, filters, view))
    return None if found is None else found[1]


def refresh(module: Module) -> None:
    """Forget everything kept for this module, so the next run reads it again."""
    url = resources.settings().database_url
    with _lock:
        for key in [k for k in _kept if k[0] == url and k[1] == module.slug]:
            _kept.pop(key, None)


def forget_all() -> None:
    """Forget every kept view (benchmarks time a fresh read with it)."""
    with _lock:
        _kept.clear()
