"""The learner's evaluation chart in HTML: each statement's bar, its legend and its text."""

from __future__ import annotations

import re

import pandas as pd

from rounds.figures.agreement_html import agreement_html
from rounds.figures.charts import AGREEMENT_COLOURS, AGREEMENT_LEVELS


def _row(statement: str, n: int, pct: dict[int, float]) -> dict:
    return {"statement": statement, "n": n, **{f"pct_{k}": v for k, v in pct.items()}}


def _widths(html: str, level: int) -> list[float]:
    colour = AGREEMENT_COLOURS[level]
    return [float(w) for w in re.findall(rf"width:([0-9.]+)%;background:{colour}", html)]


def test_each_side_of_a_bar_holds_its_answers_and_neutral_is_split_across_the_centre():
    summary = pd.DataFrame(
        [_row("Relevant <to> my practice", 8, {1: 0.0, 2: 12.5, 3: 25.0, 4: 37.5, 5: 25.0})]
    )
    html = agreement_html(summary, "Relevant: agree 62.5%.", "What participants said")
    assert _widths(html, 3) == [12.5, 12.5]  # half of neutral on each side of the centre
    assert _widths(html, 2) == [12.5] and _widths(html, 4) == [37.5] and _widths(html, 5) == [25.0]
    assert _widths(html, 1) == []  # no answer, no segment
    assert "Relevant &lt;to&gt; my practice" in html and "(n = 8)" in html  # escaped, with n
    assert ">38%<" in html and ">25%<" in html  # wide segments carry their percentage
    assert ">12%<" in html  # 12.5% is wide enough; 12.5/2 of neutral is not labelled
    assert html.count(">13%<") == 0


def test_the_chart_has_a_heading_a_legend_and_an_accessible_name():
    summary = pd.DataFrame([_row("A", 5, {1: 100.0, 2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0})])
    html = agreement_html(summary, 'A "quoted" sentence.', "What participants said")
    assert html.startswith("<h2") and "What participants said</h2>" in html
    assert 'role="img" aria-label="A &quot;quoted&quot; sentence."' in html
    for _, name in AGREEMENT_LEVELS:
        assert f"</span>{name}</li>" in html
    assert _widths(html, 1) == [100.0]  # all disagreeing: the whole left half
