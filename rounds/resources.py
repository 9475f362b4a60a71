"""Process-wide resources, created once per server process and shared by every session.

Plain memoised functions rather than `st.cache_resource`: every page run asks for these many
times, and `st.cache_resource` hashes its arguments and records a hit on each call, which cost
more than whole elements of a page (bench/page_times.py). `forget()` drops them, for tests
that point the app at another database or folder.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rounds.config import Settings, settings_from_env
from rounds.content.loader import Catalog
from rounds.content.watch import WatchedCatalog
from rounds.store.engine import open_engine

if TYPE_CHECKING:
    from rounds.store.engine import Engine

_lock = threading.Lock()
_settings: Settings | None = None
_engines: dict[str, Engine] = {}
_catalogs: dict[Path, WatchedCatalog] = {}


def settings() -> Settings:
    """Return this process's settings (environment variables, embedded defaults)."""
    global _settings
    if _settings is None:
        with _lock:
            if _settings is None:
                _settings = settings_from_env()
    return _settings


def engine() -> Engine:
    """Return the shared database engine, schema up to date."""
    url = settings().database_url
    found = _engines.get(url)
    if found is None:
        with _lock:  # one engine (and one schema upgrade) per URL, however many sessions start
            found = _engines.get(url) or _engines.setdefault(url, open_engine(url))
    return found


def catalog() -> Catalog:
    """Return the content catalog, reloaded within a second of a file under `content/` changing."""
    folder = settings().content_dir
    watched = _catalogs.get(folder)
    if watched is None:
        with _lock:
            watched = _catalogs.setdefault(folder, WatchedCatalog(folder))
    return watched.get()


def forget() -> None:
    """Drop the settings, engines and catalogs, so the next call reads the environment again."""
    global _settings
    with _lock:
        for found in _engines.values():
            found.dispose()
        _engines.clear()
        _catalogs.clear()
        _settings = None
