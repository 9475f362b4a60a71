"""Charts drawn from a Plotly figure's JSON, made once and drawn as often as the page runs.

`st.plotly_chart` copies, validates and serialises its figure on every run of the page, which
costs more than the rest of a page together. Rounds' figures are built from stored rows, so
each is turned into JSON once (`figure_spec`) and kept with the data it shows (the evaluation's
and the dashboard's shared snapshots); `draw_figure` hands that text to a small component that
draws it with plotly.js from Rounds' own route. Hover labels work as in Streamlit's own
chart; the chart's accessible name is its `alt` text.
"""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import streamlit.components.v1 as components

from rounds.ui.component_args import json_object

_component = components.declare_component("figure", path=str(Path(__file__).with_name("figure")))


def figure_spec(figure: go.Figure, alt: str, heading: str = "") -> str:
    """Return the figure, its text equivalent and a heading above it, as `draw_figure`'s JSON.

    The heading is drawn in the chart's frame (one element fewer on the page than a subheader).
    """
    return json_object({"alt": alt, "heading": heading}, figure=figure.to_json())


def draw_figure(spec: str, *, key: str) -> None:
    """Draw a figure made by `figure_spec`."""
    _component(spec=spec, key=key, default=None)
