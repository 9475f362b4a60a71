"""What Rounds draws, as data: plotly figures, QR codes, the site chrome's HTML.

No Streamlit, no SQL: the UI layer puts them on the page.
"""
