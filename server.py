"""Serve Rounds: Streamlit's server for `app.py` plus Rounds' own HTTP routes.

Run with `streamlit run server.py` (the README's command does this).
"""

import streamlit as st

from rounds.config import settings_from_env
from rounds.routes import attestation_routes, join_routes

app = st.App("app.py", routes=[*attestation_routes(settings_from_env().secret_key), *join_routes()])
