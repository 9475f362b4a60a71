"""Serve Rounds: Streamlit's server for `app.py` plus Rounds' own routes and hardening.

Run with `streamlit run server.py` (the README's `make run` does this).
"""

import os
from functools import lru_cache

import streamlit as st

from rounds.config import settings_from_env
from rounds.content.loader import content_fingerprint, load_catalog
from rounds.live import LiveFeed
from rounds.routes import attestation_routes, join_routes, live_routes
from rounds.security import allowed_hosts, hardening
from rounds.store.engine import open_engine
from rounds.ui.server_socket import send_small_messages_at_once

settings = settings_from_env()
send_small_messages_at_once()  # before Streamlit binds its port


@lru_cache(maxsize=1)
def _engine():
    return open_engine(settings.database_url)


@lru_cache(maxsize=4)
def _polls(fingerprint: tuple) -> set[str]:
    catalog = load_catalog(settings.content_dir)
    return {
        f"{m.module.slug}/{m.module.poll.key}" for m in catalog.modules.values() if m.module.poll
    }


def known_polls() -> set[str]:
    """Return the poll ids of the valid modules now in content/."""
    return _polls(content_fingerprint(settings.content_dir))


app = st.App(
    "app.py",
    routes=[
        *attestation_routes(settings.secret_key, _engine, secure=settings.public_url_is_https),
        *join_routes(),
        *live_routes(LiveFeed(_engine), known_polls, settings.secret_key),
    ],
    middleware=hardening(
        allowed_hosts(os.environ.get("ROUNDS_ALLOWED_HOSTS")), os.environ.get("ROUNDS_REPLICA")
    ),
)
