"""Home: the catalog of modules found in `content/`, and an error card for any broken one."""

import datetime as dt

import streamlit as st

from rounds import resources
from rounds.content.article import dates_line
from rounds.ui.join_code import draw_code_field
from rounds.ui.modules import draw_problems

catalog = resources.catalog()
st.title("Learning modules")
st.write("Short, referenced modules for healthcare professionals. Pick one to start.")
draw_code_field(catalog)

# Expired modules are not offered to learners (the educator dashboard still lists them).
for slug, loaded in catalog.available(dt.date.today()).items():
    module = loaded.module
    credit = "accredited" if module.accreditation.is_accredited else "not accredited"
    with st.container(border=True, key=f"home_module_{slug}"):
        # One text per card (fewer elements to send on every run); the date line in small type.
        st.markdown(
            f"## {module.title}\n\n"
            f":small[{dates_line(module)} · about {module.estimated_minutes} minutes · "
            f"{credit}]\n\n"
            f"**Learning objective:** {module.learning_objective}"
        )
        st.page_link(
            "views/article.py",
            label="Open the module",
            query_params={"module": slug},
        )

draw_problems(catalog, catalog.broken_folders)
