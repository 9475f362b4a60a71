"""Serve Rounds: Streamlit's server for `app.py` plus Rounds' own routes and hardening.

Run with `streamlit run server.py` (the README's `make run` does this). The routes and the pages
share one set of process resources (`rounds.resources`): one settings object, one engine (one
connection pool), one content catalog.
"""

import sys

import streamlit as st

from rounds import logs, resources
from rounds.config import ConfigError
from rounds.rules.progress import poll_id
from rounds.ui.server_socket import refuse_large_client_frames, send_small_messages_at_once
from rounds.web import page_head
from rounds.web.live import LiveFeed
from rounds.web.routes import attestation_routes, join_routes, live_routes, verify_routes
from rounds.web.security import allowed_hosts, connection_ceilings, hardening
from rounds.web.static import static_files

logs.configure()  # ROUNDS_LOG_LEVEL, before anything can log
try:
    settings = resources.settings()
except ConfigError as error:  # one clear line instead of a traceback
    sys.exit(f"Rounds cannot start: {error}")
send_small_messages_at_once()  # before Streamlit binds its port
refuse_large_client_frames()  # before Streamlit configures uvicorn


def known_polls() -> set[str]:
    """Return the poll ids of the valid modules now in content/ (re-read within a second)."""
    modules = resources.catalog().modules.values()
    return {poll_id(m.module) for m in modules if m.module.poll}


def module_title(slug: str) -> str | None:
    """Return the title of the module with this slug in content/ (None if it is gone)."""
    found = resources.catalog().get(slug)
    return found.module.title if found else None


def slug_for_code(code: str) -> str | None:
    """Return the slug of the module whose join code is `code` (None for none)."""
    found = resources.catalog().by_join_code(code)
    return found.module.slug if found else None


app = st.App(
    "app.py",
    routes=[
        *attestation_routes(
            settings.secret_key, resources.engine, secure=settings.public_url_is_https
        ),
        *join_routes(slug_for_code),
        *verify_routes(resources.engine, module_title),
        *live_routes(LiveFeed(resources.engine), known_polls, settings.secret_key),
    ],
    middleware=[
        *hardening(allowed_hosts(settings.allowed_hosts), settings.replica, connection_ceilings()),
        # Inside the hardening: its responses get the security headers too. It warms the files
        # the page links to as Rounds sends it (no text font).
        static_files(page=page_head.with_script),
    ],
)
