"""Process-wide resources, created once per server process and shared by every session."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from rounds.config import Settings, settings_from_env
from rounds.content.loader import Catalog
from rounds.content.watch import WatchedCatalog
from rounds.store.engine import open_engine


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """Return this process's settings (environment variables, embedded defaults)."""
    return settings_from_env()


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return open_engine(url)


def engine() -> Engine:
    """Return the shared database engine, schema up to date."""
    return _engine(settings().database_url)


@st.cache_resource(show_spinner=False, max_entries=4)
def _watched(content_dir: str) -> WatchedCatalog:
    return WatchedCatalog(Path(content_dir))


def catalog() -> Catalog:
    """Return the content catalog, reloaded within a second of a file under `content/` changing."""
    return _watched(str(settings().content_dir)).get()
