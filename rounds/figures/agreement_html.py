"""Everyone's agreement with the evaluation's statements, drawn in HTML for a learner's page.

A learner's page draws no plotly.js (1.4 MiB compressed, docs/performance.md): this is the
dashboard's diverging bar chart (`charts.evaluation_diverging`) as plain HTML and inline
styles, which `st.html` sanitises and draws with no script. Each statement is one bar centred
on neutral, the disagreeing half to the left, the agreeing half to the right; the legend names
the colours, every segment wide enough carries its percentage, and the figure's accessible name
is the same numbers in sentences (a table of them sits beside it on the page).
"""

from __future__ import annotations

from html import escape

import pandas as pd

from rounds.figures.charts import AGREEMENT_COLOURS, AGREEMENT_LEVELS

_LABELLED = 12.0  # a segment narrower than this many percent carries no number
_DARK = {1, 5}  # segments whose colour needs white text
_TEXT = "font-size:0.8rem;line-height:1.6rem;overflow:hidden;white-space:nowrap;"


def _segment(level: int, pct: float) -> str:
    if pct <= 0:
        return ""
    colour = "#FFFFFF" if level in _DARK else "#222222"
    label = f"{pct:.0f}%" if pct >= _LABELLED else ""
    return (
        f'<span style="display:block;width:{pct:.2f}%;background:{AGREEMENT_COLOURS[level]};'
        f'color:{colour};text-align:center;{_TEXT}">{label}</span>'
    )


def _half(parts: list[tuple[int, float]], direction: str) -> str:
    """Half a bar: 50% of the width stands for 100% of the answers on that side."""
    inner = "".join(_segment(level, pct) for level, pct in parts)
    return f'<span style="display:flex;flex-direction:{direction};width:50%;">{inner}</span>'


def _legend() -> str:
    items = "".join(
        f'<li style="display:inline-flex;align-items:center;gap:0.3rem;margin-right:0.9rem;">'
        f'<span aria-hidden="true" style="display:inline-block;width:0.9rem;height:0.9rem;'
        f'background:{AGREEMENT_COLOURS[level]};"></span>{escape(name)}</li>'
        for level, name in AGREEMENT_LEVELS
    )
    return f'<ul style="list-style:none;padding:0;margin:0 0 0.6rem 0;">{items}</ul>'


def agreement_html(summary: pd.DataFrame, description: str, heading: str) -> str:
    """Return `heading` and the chart of `summary` (`rules.evaluation.summarise` rows) in HTML."""
    rows = []
    for row in summary.to_dict("records"):
        pct = {level: float(row[f"pct_{level}"]) for level, _ in AGREEMENT_LEVELS}
        left = _half([(3, pct[3] / 2), (2, pct[2]), (1, pct[1])], "row-reverse")
        right = _half([(3, pct[3] / 2), (4, pct[4]), (5, pct[5])], "row")
        rows.append(
            '<div style="margin:0 0 0.8rem 0;">'
            f'<p style="margin:0 0 0.2rem 0;">{escape(str(row["statement"]))} '
            f'<span style="color:#555555;">(n = {int(row["n"])})</span></p>'
            '<div style="display:flex;border-left:1px solid #E5E5E5;'
            "border-right:1px solid #E5E5E5;background:linear-gradient(#222222,#222222) "
            'center/1px 100% no-repeat;">'
            f"{left}{right}</div></div>"
        )
    return (
        f'<h2 style="font-size:1.5rem;margin:1rem 0 0.4rem 0;">{escape(heading)}</h2>'
        f'<figure role="img" aria-label="{escape(description)}" style="margin:0;">'
        f"{_legend()}{''.join(rows)}</figure>"
    )
