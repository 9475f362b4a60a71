"""HTTP-level code added to Streamlit's server: no Streamlit import."""
