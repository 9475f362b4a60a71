"""Plotly figures for the educator dashboard (the learner-facing ones are in `charts.py`)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from rounds.figures.charts import PALETTE, wrap_label

_LAYOUT = {
    "margin": {"l": 8, "r": 8, "t": 32, "b": 8},
    "plot_bgcolor": "#FFFFFF",
    "paper_bgcolor": "#FFFFFF",
    "font": {"size": 14, "color": "#222222"},
}


def funnel_bar(funnel: pd.DataFrame) -> go.Figure:
    """Draw participants per step of the module, with the count on each bar."""
    fig = go.Figure(
        go.Bar(
            orientation="h",
            x=funnel["participants"],
            y=funnel["step"],
            text=[f"{n}" for n in funnel["participants"]],
            textposition="auto",
            marker={"color": PALETTE["blue"]},
        )
    )
    fig.update_layout(
        **_LAYOUT,
        height=60 + 40 * max(len(funnel), 1),
        yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True},
        xaxis={
            "title": {"text": "participants"},
            "fixedrange": True,
            "automargin": True,
            "rangemode": "tozero",
        },
    )
    return fig


def score_histogram(scores: pd.DataFrame) -> go.Figure:
    """Draw how many participants had each score, before (pre) and after (post) reading."""
    fig = go.Figure()
    styles = {
        "pre": (PALETTE["orange"], "Before reading", ""),
        "post": (PALETTE["blue"], "After reading", "/"),
    }
    for phase, (colour, name, pattern) in styles.items():
        part = scores[scores["phase"] == phase]
        fig.add_bar(
            x=[f"{s}%" for s in part["score_pct"]],
            y=part["participants"],
            name=name,
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=part["participants"],
            textposition="outside",
        )
    fig.update_layout(
        **_LAYOUT,
        barmode="group",
        height=320,
        xaxis={"title": {"text": "score"}, "fixedrange": True, "automargin": True},
        yaxis={
            "title": {"text": "participants"},
            "fixedrange": True,
            "automargin": True,
            "rangemode": "tozero",
        },
        legend={"orientation": "h", "y": 1.12},
    )
    return fig


def gain_bars(gain: pd.DataFrame) -> go.Figure:
    """Draw each question's share correct before and after reading, side by side."""
    labels = [wrap_label(p, 50) for p in gain["prompt"]]
    fig = go.Figure()
    for column, name, colour, pattern in (
        ("pre_pct_correct", "Before reading", PALETTE["orange"], ""),
        ("post_pct_correct", "After reading", PALETTE["blue"], "/"),
    ):
        values = [0 if pd.isna(v) else float(v) for v in gain[column]]
        fig.add_bar(
            orientation="h",
            y=labels,
            x=values,
            name=name,
            marker={"color": colour, "pattern": {"shape": pattern}},
            text=[f"{v:.0f}%" for v in values],
            textposition="auto",
        )
    fig.update_layout(
        **_LAYOUT,
        barmode="group",
        height=120 + 90 * max(len(gain), 1),
        xaxis={"range": [0, 100], "ticksuffix": "%", "fixedrange": True, "automargin": True},
        yaxis={"autorange": "reversed", "fixedrange": True, "automargin": True},
        legend={"orientation": "h", "y": 1.08},
    )
    return fig


def profession_bars(by_profession: pd.DataFrame) -> go.Figure:
    """Draw the poll's results per profession group as stacked 100 % bars."""
    fig = go.Figure()
    colours = list(PALETTE.values())[1:]
    groups = list(dict.fromkeys(by_profession["profession"]))
    options = list(dict.fromkeys(by_profession["label"]))
    for i, option in enumerate(options):
        part = by_profession[by_profession["label"] == option].set_index("profession")
        values = [float(part["percent"].get(g, 0)) for g in groups]
        fig.add_bar(
            orientation="h",
            y=[
                f"{g} (n={int(by_profession[by_profession['profession'] == g]['n'].iloc[0])})"
                for g in groups
            ],
            x=values,
            name=wrap_label(option, 30),
            marker={"color": colours[i % len(colours)]},
            text=[f"{v:.0f}%" if v >= 6 else "" for v in values],
            textposition="inside",
        )
    fig.update_layout(
        **_LAYOUT,
        barmode="stack",
        height=140 + 50 * max(len(groups), 1),
        xaxis={"range": [0, 100], "ticksuffix": "%", "fixedrange": True, "automargin": True},
        yaxis={"fixedrange": True, "automargin": True},
        legend={"orientation": "h", "y": -0.25},
    )
    return fig


def votes_timeline(over_time: pd.DataFrame) -> go.Figure:
    """Draw votes per time bucket."""
    fig = go.Figure(
        go.Bar(x=over_time["bucket_start"], y=over_time["votes"], marker={"color": PALETTE["blue"]})
    )
    fig.update_layout(
        **_LAYOUT,
        height=260,
        yaxis={
            "title": {"text": "votes"},
            "fixedrange": True,
            "automargin": True,
            "rangemode": "tozero",
        },
    )
    return fig
