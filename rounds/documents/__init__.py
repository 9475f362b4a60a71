"""Documents Rounds writes: the PDF certificate, the outcomes report, CSV files.

No Streamlit, no SQL: they are given plain values and frames.
"""
