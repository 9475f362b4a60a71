"""De-identified row-level exports of one module, for analysis outside the app."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import pandas as pd
from sqlalchemy import Engine, select

from rounds.content.schema import Module
from rounds.store.analytics.evaluation import evaluation_summary
from rounds.store.analytics.filters import (
    EVERYTHING,
    Filters,
    as_text,
    counted_votes,
    read_frame,
    reading,
    utc_series,
    within,
)
from rounds.store.analytics.learning import funnel, question_gain, score_distribution
from rounds.store.analytics.poll import (
    MIN_GROUP,
    latest_attestations,
    merged_label,
    poll_by_profession,
    poll_by_round,
    votes_over_time,
)
from rounds.store.tables import (
    attestations,
    evaluation_answers,
    participants,
    quiz_answers,
    quiz_attempts,
    votes,
)

EXPORT_COLUMNS = {
    "participants": ["participant_id", "simulated", "profession", "country", "attested_at"],
    "quiz_answers": [
        "participant_id",
        "phase",
        "attempt_id",
        "question_key",
        "option_key",
        "is_correct",
        "answered_at",
    ],
    "evaluation": ["participant_id", "statement_key", "value", "answered_at"],
    "votes": ["participant_id", "round", "option_key", "created_at", "updated_at"],
}
TIME_COLUMNS = {"attested_at", "answered_at", "created_at", "updated_at"}
TIME_STEP = "h"  # times in the rows are cut to the hour: a time to the microsecond is a handle
GROUPED_COLUMNS = ("profession", "country")  # merged below MIN_GROUP, as in the dashboard

View = Callable[[Engine, Module, Filters], pd.DataFrame]


def aggregate_views(labels: Mapping[str, str]) -> dict[str, View]:
    """Return every view the dashboard draws, by the name of its CSV file, in the tabs' order.

    `labels` names the professions in the poll by profession (see `profession_labels`).
    """
    return {
        "funnel": funnel,
        "score-distribution": score_distribution,
        "question-gain": question_gain,
        "evaluation": evaluation_summary,
        "poll-rounds": poll_by_round,
        "poll-by-profession": partial(poll_by_profession, labels=dict(labels)),
        "votes-over-time": votes_over_time,
    }


def _queries(module: Module, filters: Filters) -> dict:
    """Return the SELECT behind each frame; simulated participants are left out afterwards.

    "participants" lists every participant, simulated or not, with their latest attestation.
    """
    latest = latest_attestations()
    return {
        "participants": select(
            participants.c.id,
            participants.c.simulated,
            attestations.c.profession,
            attestations.c.country,
            as_text(attestations.c.attested_at),
        ).select_from(
            participants.outerjoin(latest, latest.c.participant_id == participants.c.id).outerjoin(
                attestations, attestations.c.id == latest.c.id
            )
        ),
        "quiz_answers": select(
            quiz_attempts.c.participant_id,
            quiz_attempts.c.phase,
            quiz_answers.c.attempt_id,
            quiz_answers.c.question_key,
            quiz_answers.c.option_key,
            quiz_answers.c.is_correct,
            as_text(quiz_answers.c.answered_at),
        )
        .select_from(
            quiz_answers.join(quiz_attempts, quiz_attempts.c.id == quiz_answers.c.attempt_id)
        )
        .where(
            quiz_attempts.c.module == module.slug,
            quiz_attempts.c.finished_at.is_not(None),
            within(quiz_attempts.c.finished_at, filters),
        )
        .order_by(quiz_answers.c.attempt_id, quiz_answers.c.question_key),
        "evaluation": select(
            evaluation_answers.c.participant_id,
            evaluation_answers.c.statement_key,
            evaluation_answers.c.value,
            as_text(evaluation_answers.c.answered_at),
        )
        .where(
            evaluation_answers.c.module == module.slug,
            within(evaluation_answers.c.answered_at, filters),
        )
        .order_by(evaluation_answers.c.participant_id, evaluation_answers.c.statement_key),
        "votes": select(
            votes.c.participant_id,
            votes.c.round,
            votes.c.option_key,
            as_text(votes.c.created_at),
            as_text(votes.c.updated_at),
        )
        .where(*counted_votes(module, filters))  # a module without a poll matches none
        .order_by(votes.c.round, votes.c.participant_id),
    }


def merge_small_groups(values: pd.Series, min_group: int = MIN_GROUP) -> pd.Series:
    """Return `values` with every group under `min_group` people merged into one "Other" group.

    The dashboard's rule for professions: while the merged group is still under `min_group`,
    the smallest remaining group joins it (the others' sizes would give it away). Missing
    values stay missing.
    """
    sizes = values.value_counts()
    small = [key for key, n in sizes.items() if n < min_group]
    shown = [key for key, n in sizes.items() if n >= min_group]
    while small and shown and sizes[small].sum() < min_group:
        smallest = min(shown, key=lambda key: sizes[key])
        shown.remove(smallest)
        small.append(smallest)
    return values.where(~values.isin(small), merged_label(min_group))


def deidentified_rows(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> dict[str, pd.DataFrame]:
    """Return the module's rows in range as frames: participants, quiz_answers, evaluation, votes.

    The database holds no names; on top of that, the stored participant ids (which a learner's
    cookie carries) are replaced by pseudonyms valid within this export only ("P0001", ...),
    numbered in the order of the stored ids and consistent across the four frames.
    "participants" lists everyone with a row in the other three frames, with their latest
    attestation. Quiz answers are those of attempts finished in range (unfinished attempts are
    left out); evaluation answers and votes follow `Filters`. Times are UTC.
    """
    with reading(engine) as conn:
        frames = {
            name: read_frame(conn, query, EXPORT_COLUMNS[name])
            for name, query in _queries(module, filters).items()
        }
    attested = frames.pop("participants")
    if not filters.include_simulated:
        simulated = attested.loc[attested.pop("simulated").astype(bool), "participant_id"]
        frames = {
            name: frame[~frame["participant_id"].isin(simulated)].reset_index(drop=True)
            for name, frame in frames.items()
        }
    else:
        attested = attested.drop(columns="simulated")
    seen = pd.concat([frame["participant_id"] for frame in frames.values()]).unique()
    people = pd.DataFrame({"participant_id": sorted(seen)}, columns=["participant_id"])
    frames = {"participants": people.merge(attested, on="participant_id", how="left"), **frames}
    width = max(4, len(str(len(people))))
    pseudonyms = np.array([f"P{i:0{width}d}" for i in range(1, len(people) + 1)], dtype=object)
    stored = pd.Index(people["participant_id"])
    for frame in frames.values():  # every id is among `people`: looked up in bulk
        frame["participant_id"] = pseudonyms[stored.get_indexer(frame["participant_id"])]
        for column in TIME_COLUMNS.intersection(frame.columns):
            frame[column] = utc_series(frame[column]).dt.floor(TIME_STEP)
    for column in GROUPED_COLUMNS:
        frames["participants"][column] = merge_small_groups(frames["participants"][column])
    frames["quiz_answers"]["is_correct"] = frames["quiz_answers"]["is_correct"].astype(bool)
    frames["evaluation"]["value"] = frames["evaluation"]["value"].astype("Int64")
    return frames
