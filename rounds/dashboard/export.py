"""De-identified row-level exports of one module, for analysis outside the app."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, select, union

from rounds.content.schema import Module
from rounds.dashboard.filters import (
    EVERYTHING,
    Filters,
    counted,
    counted_votes,
    read_frame,
    utc_series,
    within,
)
from rounds.dashboard.poll import latest_attestations
from rounds.store.tables import (
    attestations,
    evaluation_answers,
    events,
    quiz_answers,
    quiz_attempts,
)
from rounds.store.tables import votes as votes_table

EXPORT_COLUMNS = {
    "participants": ["participant_id", "profession", "country", "attested_at"],
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


def _queries(module: Module, filters: Filters) -> dict:
    attempt_in_range = [
        quiz_attempts.c.module == module.slug,
        quiz_attempts.c.finished_at.is_not(None),
        within(quiz_attempts.c.finished_at, filters),
        counted(quiz_attempts.c.participant_id, filters),
    ]
    evaluation_in_range = [
        evaluation_answers.c.module == module.slug,
        within(evaluation_answers.c.answered_at, filters),
        counted(evaluation_answers.c.participant_id, filters),
    ]
    vote_in_range = counted_votes(module, filters)  # a module without a poll matches none
    everyone = union(
        select(events.c.participant_id).where(
            events.c.module == module.slug,
            within(events.c.at, filters),
            counted(events.c.participant_id, filters),
        ),
        select(quiz_attempts.c.participant_id).where(*attempt_in_range),
        select(evaluation_answers.c.participant_id).where(*evaluation_in_range),
        select(votes_table.c.participant_id).where(*vote_in_range),
    ).subquery()
    latest = latest_attestations()
    return {
        "participants": select(
            everyone.c.participant_id,
            attestations.c.profession,
            attestations.c.country,
            attestations.c.attested_at,
        )
        .select_from(
            everyone.outerjoin(
                latest, latest.c.participant_id == everyone.c.participant_id
            ).outerjoin(attestations, attestations.c.id == latest.c.id)
        )
        .order_by(everyone.c.participant_id),
        "quiz_answers": select(
            quiz_attempts.c.participant_id,
            quiz_attempts.c.phase,
            quiz_answers.c.attempt_id,
            quiz_answers.c.question_key,
            quiz_answers.c.option_key,
            quiz_answers.c.is_correct,
            quiz_answers.c.answered_at,
        )
        .select_from(
            quiz_answers.join(quiz_attempts, quiz_attempts.c.id == quiz_answers.c.attempt_id)
        )
        .where(*attempt_in_range)
        .order_by(quiz_answers.c.attempt_id, quiz_answers.c.question_key),
        "evaluation": select(
            evaluation_answers.c.participant_id,
            evaluation_answers.c.statement_key,
            evaluation_answers.c.value,
            evaluation_answers.c.answered_at,
        )
        .where(*evaluation_in_range)
        .order_by(evaluation_answers.c.participant_id, evaluation_answers.c.statement_key),
        "votes": select(
            votes_table.c.participant_id,
            votes_table.c.round,
            votes_table.c.option_key,
            votes_table.c.created_at,
            votes_table.c.updated_at,
        )
        .where(*vote_in_range)
        .order_by(votes_table.c.round, votes_table.c.participant_id),
    }


def deidentified_rows(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> dict[str, pd.DataFrame]:
    """Return the module's rows in range as frames: participants, quiz_answers, evaluation, votes.

    The database holds no names; on top of that, the stored participant ids (which a learner's
    cookie carries) are replaced by pseudonyms valid within this export only ("P0001", ...),
    consistent across the four frames. "participants" lists everyone with a row of this module
    in range (an event, a finished attempt, an evaluation answer or a counted vote) with their
    latest attestation. Quiz answers are those of attempts finished in range (unfinished
    attempts are left out). Times are UTC.
    """
    with engine.connect() as conn:
        frames = {
            name: read_frame(conn, query, EXPORT_COLUMNS[name])
            for name, query in _queries(module, filters).items()
        }
    people = frames["participants"]["participant_id"]
    width = max(4, len(str(len(people))))
    pseudonyms = {pid: f"P{i:0{width}d}" for i, pid in enumerate(people, start=1)}
    for frame in frames.values():
        frame["participant_id"] = frame["participant_id"].map(pseudonyms)
        for column in TIME_COLUMNS.intersection(frame.columns):
            frame[column] = utc_series(frame[column])
    frames["quiz_answers"]["is_correct"] = frames["quiz_answers"]["is_correct"].astype(bool)
    frames["evaluation"]["value"] = frames["evaluation"]["value"].astype("Int64")
    return frames
