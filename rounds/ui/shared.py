"""Views read once and shared by every session of this process for a few seconds.

A room of phones rerunning a page would otherwise read the same rows once per phone: the poll's
tally, everyone's evaluation answers, a dashboard tab. Each `Shared` keeps what its reads return
for `ttl_s` seconds, with the moment each was read; a write that should show at once (a vote,
an evaluation submitted, "Refresh" on the dashboard) forgets the entries it makes stale. Keys
start with the database URL, so tests and benchmarks that switch databases never share.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import TTLCache

from rounds import resources
from rounds.store.engine import utcnow

T = TypeVar("T")


class Shared:
    """Values kept for `ttl_s` seconds under keys of the current database."""

    def __init__(self, ttl_s: float, size: int = 256) -> None:
        self.ttl_s = ttl_s
        self._kept: TTLCache = TTLCache(maxsize=size, ttl=ttl_s)
        self._lock = threading.Lock()

    def _key(self, key: tuple) -> tuple:
        return (resources.settings().database_url, *key)

    def get(self, key: tuple[Hashable, ...], read: Callable[[], T]) -> T:
        """Return what `read()` returns for `key`, reading it at most once every `ttl_s`."""
        full = self._key(key)
        with self._lock:
            found = self._kept.get(full)
        if found is None:
            found = (read(), utcnow())  # read outside the lock: other keys need not wait
            with self._lock:
                self._kept[full] = found
        return found[0]

    def read_at(self, key: tuple[Hashable, ...]) -> dt.datetime | None:
        """Return when the value kept for `key` was read, if one is kept."""
        with self._lock:
            found = self._kept.get(self._key(key))
        return None if found is None else found[1]

    def forget(self, starting: tuple[Any, ...] = ()) -> None:
        """Forget the values whose keys start with `starting` (all of them by default)."""
        prefix = self._key(starting) if starting else ()
        with self._lock:
            for key in [k for k in self._kept if k[: len(prefix)] == prefix]:
                self._kept.pop(key, None)
