"""The evaluation seen by an educator: the spread per statement and the commitment to change."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, func, select

from rounds.content.schema import Module
from rounds.rules.evaluation import summarise
from rounds.store.analytics.filters import EVERYTHING, Filters, Who, reading, tally, within
from rounds.store.tables import evaluation_answers

COMMITMENT_KEY = "change_practice"


def evaluation_summary(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> pd.DataFrame:
    """Return one row per statement (see `rounds.rules.evaluation.summarise`) for answers in range.

    An answer counts in the range of its latest revision (`answered_at`).
    """
    statements = module.evaluation.statements if module.evaluation else []

    def query(who: Who):
        return (
            select(evaluation_answers.c.statement_key, evaluation_answers.c.value, func.count())
            .where(
                evaluation_answers.c.module == module.slug,
                within(evaluation_answers.c.answered_at, filters),
                who(evaluation_answers.c.participant_id),
            )
            .group_by(evaluation_answers.c.statement_key, evaluation_answers.c.value)
        )

    with reading(engine) as conn:
        found = tally(conn, query, filters, keys=2)
    counts = [(key, value, n) for (key, value), (n,) in found.items()]
    return summarise(statements, counts)


def commitment_to_change(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> dict | None:
    """Return the summary row of the "change_practice" statement (else the last statement).

    None when the module has no evaluation.
    """
    return commitment_of(evaluation_summary(engine, module, filters))


def commitment_of(summary: pd.DataFrame) -> dict | None:
    """Return the commitment row of an evaluation summary (see `commitment_to_change`)."""
    if summary.empty:
        return None
    rows = summary.to_dict("records")
    return next((r for r in rows if r["key"] == COMMITMENT_KEY), rows[-1])
