"""The progress indicator shown at the top of every module page."""

from __future__ import annotations

import streamlit as st

from rounds import resources
from rounds.content.schema import Module
from rounds.rules.progress import Progress
from rounds.store.standing import load_progress
from rounds.ui.tracking import participant

# Plain characters, not ":material/...:" icons: those load the Material Symbols font (367 KiB).
MARKS = {True: "✓", False: "○"}


def draw_progress(module: Module) -> Progress:
    """Draw the module's steps with what is done (one element), and return the progress."""
    progress = load_progress(resources.engine(), participant(), module)
    steps = progress.steps()
    done = sum(1 for _, ok in steps if ok)
    marks = " · ".join(f"{MARKS[ok]} {label}" for label, ok in steps)
    st.progress(
        done / len(steps), text=f"Module progress: {done} of {len(steps)} steps done — {marks}"
    )
    return progress
