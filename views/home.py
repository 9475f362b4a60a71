"""Home: the catalog of modules found in `content/`, and an error card for any broken one."""

import streamlit as st

from rounds.ui import resources
from rounds.ui.modules import draw_problems

catalog = resources.catalog()
st.title("Learning modules")
st.write("Short, referenced modules for healthcare professionals. Pick one to start.")

for slug, loaded in catalog.modules.items():
    module = loaded.module
    with st.container(border=True, key=f"home_module_{slug}"):
        # One text per card (fewer elements to send on every run); the date line in small type.
        st.markdown(
            f"### {module.title}\n\n"
            f":small[{module.published:%d %B %Y} · about {module.estimated_minutes} minutes]\n\n"
            f"**Learning objective:** {module.learning_objective}"
        )
        st.page_link(
            "views/article.py",
            label="Open the module",
            query_params={"module": slug},
        )

draw_problems(catalog, catalog.broken_folders)
