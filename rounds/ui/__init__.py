"""The thin Streamlit adapter: caching, session identity and the widgets pages share.

This is the only part of `rounds/` that imports Streamlit; the domain beside it stays plain.
"""
