"""Serve Rounds: Streamlit's server for `app.py` plus Rounds' own routes and hardening.

Run with `streamlit run server.py` (the README's `make run` does this).
"""

import os

import streamlit as st

from rounds.config import settings_from_env
from rounds.routes import attestation_routes, join_routes
from rounds.security import allowed_hosts, hardening

settings = settings_from_env()
app = st.App(
    "app.py",
    routes=[*attestation_routes(settings.secret_key), *join_routes()],
    middleware=hardening(
        allowed_hosts(os.environ.get("ROUNDS_ALLOWED_HOSTS")), os.environ.get("ROUNDS_REPLICA")
    ),
)
