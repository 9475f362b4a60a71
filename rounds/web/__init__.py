"""HTTP-level code added to Streamlit's server: no Streamlit import.

Rounds' own routes, the hardening middleware, signed values and the live feed.
"""
