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


# A statement's own answer beside the scale ("I already do this"), stored as this value. It is
# off the scale: it counts apart, never in n, % agree or the median.
EXTRA = 6


def is_valid_value(value: object, statement: Statement | None = None) -> bool:
    """Tell whether a value answers `statement`: on the scale, its extra answer, or None (skip)."""
    if value is None:
        return True
    if not isinstance(value, int) or isinstance(value, bool):
        return False
    has_extra = statement is not None and statement.extra is not None
    return value in SCALE or (value == EXTRA and has_extra)


def shown_to_learners(summary: pd.DataFrame) -> pd.DataFrame:
    """Return the statements a learner may see everyone's answers to.

    A learner looking at the results has answered, so a statement is shown once MIN_PEERS other
    people gave it an answer (on the scale, or the statement's own, such as "I already do
    this"): as for the peers' average, fewer would let a learner work out someone else's
    answer from the totals.
    """
    answered = summary["n"] + summary["extra"].fillna(0)  # on the scale, or its own answer
    return summary[answered >= MIN_PEERS + 1]


def summarise(
    statements: list[Statement], counts: list[tuple[str, int | None, int]]
) -> pd.DataFrame:
    """Return one row per statement: n answered, skipped, pct_1..pct_5, pct_agree, median.

    `extra` counts the statement's own answer beside the scale ("I already do this"), and
    `extra_label` names it (None for a statement without one); n and the percentages are over
    the answers on the scale.
    """
    rows = []
    for statement in statements:
        per_value = {v: 0 for v in SCALE}
        skipped = extra = 0
        for key, value, count in counts:
            if key != statement.key:
                continue
            if value is None:
                skipped += count
            elif value in per_value:
                per_value[value] += count
            elif value == EXTRA and statement.extra is not None:
                extra += count
        n = sum(per_value.values())
        row = {"key": statement.key, "statement": statement.text, "n": n, "skipped": skipped}
        row["extra"] = extra
        row["extra_label"] = statement.extra.label if statement.extra else None
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
