"""The rules, plain Python: scoring, evaluation summaries, poll states and tallies, progress,
sign-in policies. No Streamlit, no SQL (checked by import-linter, see pyproject.toml).
"""
