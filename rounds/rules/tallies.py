"""Poll results from stored vote counts, and who may see them."""

from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from rounds.content.schema import Choice, ResultsVisibility

SMALL_N = 10  # below this many votes, percentages are flagged as unstable


def results_visible(visibility: ResultsVisibility, has_voted: bool, closed: bool) -> bool:
    """Tell whether a participant may see a poll's results now."""
    if visibility is ResultsVisibility.always:
        return True
    if visibility is ResultsVisibility.after_voting:
        return has_voted or closed
    return closed


class PollRow(NamedTuple):
    """One option's share of the votes."""

    key: str
    label: str
    count: int
    percent: float  # of all votes, one decimal; 0 when nobody has voted


def poll_rows(options: list[Choice], counts: dict[str, int]) -> list[PollRow]:
    """Return one row per option in content order (plain Python: the live page's per-run path)."""
    total = sum(int(counts.get(o.key, 0)) for o in options)
    return [
        PollRow(o.key, o.label, n, round(100 * n / total, 1) if total else 0.0)
        for o in options
        for n in [int(counts.get(o.key, 0))]
    ]


def poll_results(options: list[Choice], counts: dict[str, int]) -> pd.DataFrame:
    """Return one row per option in content order: key, label, count, percent."""
    return pd.DataFrame(poll_rows(options, counts), columns=list(PollRow._fields))


def describe(rows: list[PollRow]) -> str:
    """Say the results in one sentence (the text equivalent of the chart)."""
    total = sum(r.count for r in rows)
    if total == 0:
        return "No votes yet."
    parts = [f"{r.label}: {r.percent:g}% ({r.count})" for r in rows]
    return f"{total} vote{'s' if total != 1 else ''}. " + "; ".join(parts) + "."
