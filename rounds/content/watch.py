"""The content catalog of a folder, reloaded when an educator edits, adds or breaks a file."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from rounds.content.loader import Catalog, content_fingerprint, load_catalog

CHECK_EVERY_S = 1.0


class WatchedCatalog:
    """Hand out the catalog of `content_dir`, reloading it when any file there changes.

    The folder is looked at no more than once every `every` seconds, however many page runs ask:
    walking it on every run of every viewer would cost more than many pages' own work. So an edit
    shows within that time, and a broken file shows its error card without a restart.
    """

    def __init__(
        self,
        content_dir: Path,
        every: float = CHECK_EVERY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.content_dir = content_dir
        self.every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at = -float("inf")
        self._fingerprint: tuple | None = None
        self._catalog: Catalog | None = None

    def get(self) -> Catalog:
        """Return the catalog, reloaded first if the folder changed since it was loaded."""
        with self._lock:
            now = self._clock()
            if self._catalog is not None and now - self._checked_at < self.every:
                return self._catalog
            self._checked_at = now
            fingerprint = content_fingerprint(self.content_dir)
            if self._catalog is None or fingerprint != self._fingerprint:
                self._catalog = load_catalog(self.content_dir)
                self._fingerprint = fingerprint
            return self._catalog
