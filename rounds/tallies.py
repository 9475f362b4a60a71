"""Poll results from stored vote counts, and who may see them."""

from __future__ import annotations

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


def poll_results(options: list[Choice], counts: dict[str, int]) -> pd.DataFrame:
    """Return one row per option in content order: key, label, count, percent."""
    rows = [{"key": o.key, "label": o.label, "count": int(counts.get(o.key, 0))} for o in options]
    frame = pd.DataFrame(rows, columns=["key", "label", "count"])
    total = int(frame["count"].sum())
    frame["percent"] = (100 * frame["count"] / total).round(1) if total else 0.0
    return frame


def describe(results: pd.DataFrame) -> str:
    """Say the results in one sentence (the text equivalent of the chart)."""
    total = int(results["count"].sum())
    if total == 0:
        return "No votes yet."
    parts = [f"{r.label}: {r.percent:g}% ({r.count})" for r in results.itertuples()]
    return f"{total} vote{'s' if total != 1 else ''}. " + "; ".join(parts) + "."


def is_small(results: pd.DataFrame) -> bool:
    """Tell whether so few votes are in that percentages can swing widely."""
    return int(results["count"].sum()) < SMALL_N
