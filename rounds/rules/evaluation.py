"""Evaluation aggregates: per statement, the spread over the 5-point agreement scale."""

from __future__ import annotations

import pandas as pd

from rounds.content.schema import Statement
from rounds.rules.quiz import MIN_PEERS

SCALE = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}


def is_valid_value(value: object) -> bool:
    """Tell whether a value is on the agreement scale (None means skipped, also valid)."""
    return value is None or (isinstance(value, int) and value in SCALE)


def shown_to_learners(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the statements a learner may see everyone's answers to.

    A learner looking at the results has answered, so a statement is shown once MIN_PEERS other
    people gave it an answer: as for the peers' average, fewer would let a learner work out
    someone else's answer from the totals.
    """
    return summary[summary["n"] >= MIN_PEERS + 1]


def summarise(
    statements: list[Statement], counts: list[tuple[str, int | None, int]]
) -> pd.DataFrame:
    """Return one row per statement: n answered, skipped, pct_1..pct_5, pct_agree, median."""
    rows = []
    for statement in statements:
        per_value = {v: 0 for v in SCALE}
        skipped = 0
        for key, value, count in counts:
            if key != statement.key:
                continue
            if value is None:
                skipped += count
            elif value in per_value:
                per_value[value] += count
        n = sum(per_value.values())
        row = {"key": statement.key, "statement": statement.text, "n": n, "skipped": skipped}
        for value, count in per_value.items():
            row[f"count_{value}"] = count
            row[f"pct_{value}"] = round(100 * count / n, 1) if n else 0.0
        row["pct_agree"] = round(100 * (per_value[4] + per_value[5]) / n, 1) if n else 0.0
        row["median"] = _median(per_value) if n else None
        rows.append(row)
    return pd.DataFrame(rows)


def _median(per_value: dict[int, int]) -> float:
    """Return the median of a distribution given as {value: count}, without expanding it."""
    n = sum(per_value.values())

    def at(position: int) -> int:
        seen = 0
        for value in sorted(per_value):
            seen += per_value[value]
            if position < seen:
                return value
        raise IndexError(position)

    return (at((n - 1) // 2) + at(n // 2)) / 2
