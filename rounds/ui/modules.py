"""Which module a page shows: the `module` query parameter, checked against the catalog."""

from __future__ import annotations

import streamlit as st

from rounds import resources
from rounds.content.loader import Catalog, LoadedModule
from rounds.content.schema import Module


def draw_problems(catalog: Catalog, folders: list[str] | None = None) -> None:
    """Draw one error card per broken module folder (or per site-file problem)."""
    by_file: dict[str, list[str]] = {}
    for problem in catalog.problems:
        if folders is not None and not any(f"/{f}/" in problem.file for f in folders):
            continue
        by_file.setdefault(problem.file, []).append(
            f"- `{problem.field}`: {problem.message}" if problem.field else f"- {problem.message}"
        )
    for file, lines in by_file.items():
        st.error(
            f"**This content could not be loaded** (`{file}`); other modules are unaffected.\n\n"
            + "\n".join(lines),
        )


def current_module(catalog: Catalog) -> LoadedModule | None:
    """Return the module named in the URL, or draw why there is none and return None."""
    slug = st.query_params.get("module")
    if slug is None:
        loaded = catalog.first()
        if loaded is None:
            st.warning("No module is available yet.")
        return loaded
    loaded = catalog.get(slug)
    if loaded is not None:
        return loaded
    folder = next((f for f in catalog.broken_folders if f == slug), None)
    if folder:
        draw_problems(catalog, [folder])
    else:
        st.warning("There is no module at this address.")
    st.page_link("views/home.py", label="See all modules")
    return None


def require_module(part: str | None = None) -> Module:
    """Return the page's module, or stop the page if there is none (or it lacks `part`)."""
    loaded = current_module(resources.catalog())
    if loaded is None:
        st.stop()
    if part is not None and getattr(loaded.module, part) is None:
        st.info(f"This module has no {part}.")
        st.stop()
    return loaded.module
