"""HTTP-level code added to Streamlit's server: no Streamlit import.

Rounds' own routes, the hardening middleware, signed values, the live feed, and Streamlit's
static files served compressed once and cached.
"""
