"""Plotly figures for poll results and evaluation summaries, readable without relying on colour.

Figures carry everything in their layout (no Plotly config needed) and are deterministic.
Labels come from authors or tallies, so they are HTML-escaped before Plotly renders them.
"""

from __future__ import annotations

import html
import textwrap

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008), "Color Universal Design": distinguishable with the common colour deficiencies.
PALETTE: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

AGREEMENT_LEVELS: list[tuple[int, str]] = [
    (1, "Strongly disagree"),
    (2, "Disagree"),
    (3, "Neither agree nor disagree"),
    (4, "Agree"),
    (5, "Strongly agree"),
]

# ColorBrewer PuOr (5 classes), orange for disagreement and purple for agreement; the near-white
# midpoint is replaced by a mid grey so the neutral segment stays visible on a white background.
AGREEMENT_COLOURS: dict[int, str] = {
    1: "#E66101",
    2: "#FDB863",
    3: "#BDBDBD",
    4: "#B2ABD2",
    5: "#5E3C99",
}

_INK = "#222222"
_WRAP = 40


_AXIS_PAD = 0.08  # the diverging chart's axis runs this much past its longest bar


def wrap_label(text: object, width: int = _WRAP) -> str:
    """Wrap text at `width` characters, escape it and join the lines with <br>."""
    lines = textwrap.wrap(str(text), width) or [""]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def poll_bar(results: pd.DataFrame, *, large: bool = False) -> go.Figure:
    """Draw a poll's results as horizontal bars, one per option, in display order."""
    labels = [wrap_label(value) for value in results["label"]]
    counts = [int(value) for value in results["count"]]
    percents = [float(value) for value in results["percent"]]
    positions = list(range(len(labels)))
    font_size = 26 if large else 15
    row_height = 72 if large else 44

    fig = go.Figure(
        go.Bar(
            orientation="h",
            x=percents,
            y=positions,
            text=[f"{p:.0f}% ({n})" for p, n in zip(percents, counts, strict=True)],
            textposition="auto",
            insidetextfont={"color": "#FFFFFF", "size": font_size},
            outsidetextfont={"color": _INK, "size": font_size},
            cliponaxis=False,
            marker={"color": PALETTE["blue"]},
            customdata=labels,
            hovertemplate="%{customdata}: %{text}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=None,
        showlegend=False,
        font={"size": font_size, "color": _INK},
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        height=80 + row_height * max(len(labels), 1),
        bargap=0.25,
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        xaxis={
            "range": [0, 100],
            "title": {"text": "% of responses"},
            "ticksuffix": "%",
            "gridcolor": "#E5E5E5",
            "fixedrange": True,
            "automargin": True,  # room for the tick labels and the title below the bars
        },
        yaxis={
            "tickmode": "array",
            "tickvals": positions,
            "ticktext": labels,
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
        },
    )
    return fig


def evaluation_diverging(summary: pd.DataFrame) -> go.Figure:
    """Draw agreement with each statement as a diverging stacked bar centred on neutral."""
    statements = [wrap_label(value) for value in summary["statement"]]
    answered = [int(value) for value in summary["n"]]
    ticktext = [f"{s} (n={n})" for s, n in zip(statements, answered, strict=True)]
    positions = list(range(len(statements)))
    pct = {level: [float(v) for v in summary[f"pct_{level}"]] for level, _ in AGREEMENT_LEVELS}
    names = dict(AGREEMENT_LEVELS)

    def bar(level: int, values: list[float], *, legend: bool) -> go.Bar:
        return go.Bar(
            orientation="h",
            name=names[level],
            x=values,
            y=positions,
            marker={"color": AGREEMENT_COLOURS[level], "line": {"color": "#FFFFFF", "width": 1}},
            legendrank=level,
            showlegend=legend,
            customdata=[[p, n] for p, n in zip(pct[level], answered, strict=True)],
            hovertemplate=(
                f"{html.escape(names[level])}: %{{customdata[0]:.0f}}%"
                " of %{customdata[1]} answers<extra></extra>"
            ),
        )

    neutral_half = [value / 2 for value in pct[3]]
    # Relative stacking builds outward from zero in trace order, separately on each side.
    traces = [
        bar(3, [-value for value in neutral_half], legend=True),
        bar(3, neutral_half, legend=False),
        bar(2, [-value for value in pct[2]], legend=True),
        bar(4, pct[4], legend=True),
        bar(1, [-value for value in pct[1]], legend=True),
        bar(5, pct[5], legend=True),
    ]
    # The axis reaches past the longest bar on either side (rounded shares may add up to a
    # little over 100 %), so no bar runs into the frame's edge and the end ticks keep their text.
    left = max((sum(side) for side in zip(pct[1], pct[2], neutral_half, strict=True)), default=0)
    right = max((sum(side) for side in zip(pct[4], pct[5], neutral_half, strict=True)), default=0)
    reach = max(100.0, left, right) * (1 + _AXIS_PAD)
    fig = go.Figure(traces)
    fig.update_layout(
        title=None,
        barmode="relative",
        font={"size": 14, "color": _INK},
        margin={"l": 8, "r": 24, "t": 8, "b": 8},
        height=180 + 56 * max(len(statements), 1),
        plot_bgcolor="#FFFFFF",
        paper_bgcolor="#FFFFFF",
        # Above the plot area, across the whole frame (as many entries a row as fit): placed in
        # the frame's own coordinates, Plotly widens the top margin to hold it, so it never lies
        # over the first bar nor the statements' labels.
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "xref": "container",
            "x": 0,
            "xanchor": "left",
            "yref": "container",
            "y": 1,
            "yanchor": "top",
        },
        xaxis={
            "range": [-reach, reach],
            "tickmode": "array",
            "tickvals": [-100, -50, 0, 50, 100],
            "ticktext": ["100%", "50%", "0", "50%", "100%"],
            "zeroline": True,
            "zerolinecolor": _INK,
            "gridcolor": "#E5E5E5",
            "fixedrange": True,
            "automargin": True,
        },
        yaxis={
            "tickmode": "array",
            "tickvals": positions,
            "ticktext": ticktext,
            "autorange": "reversed",
            "automargin": True,
            "fixedrange": True,
        },
    )
    return fig
