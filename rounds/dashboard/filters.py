"""What a dashboard view counts, and the SQL conditions that says.

Every view takes the same `Filters`. The time range applies to the moment each kind of row
records: an attestation's `attested_at`, an event's `at`, a quiz attempt's `finished_at`, an
evaluation answer's `answered_at` (its latest revision) and a vote's `created_at` (when it was
first cast; a changed vote keeps that moment and counts with its current option).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Connection, and_, select, true

from rounds.content.schema import Module
from rounds.progress import poll_id
from rounds.store.tables import participants, poll_rounds, quiz_attempts, votes


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Return `moment` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


@dataclass(frozen=True)
class Filters:
    """A dashboard selection: a UTC time range, one poll round, and whether to count rehearsals.

    `since` is inclusive and `until` exclusive, so consecutive ranges never count a row twice;
    either may be None (unbounded). Aware datetimes are converted to UTC, naive ones are read
    as UTC. `round` narrows the poll views (and the funnel's "voted" step) to one round.
    Simulated participants (rehearsal voters) and simulated rounds are left out unless
    `include_simulated` is set.
    """

    since: dt.datetime | None = None
    until: dt.datetime | None = None
    round: int | None = None
    include_simulated: bool = False

    def __post_init__(self) -> None:
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, as_utc(value))


EVERYTHING = Filters()


def within(column, filters: Filters) -> ColumnElement[bool]:
    """Return the condition that a timestamp column lies in the filters' range."""
    conditions = []
    if filters.since is not None:
        conditions.append(column >= filters.since)
    if filters.until is not None:
        conditions.append(column < filters.until)
    return and_(true(), *conditions)


def counted(participant_column, filters: Filters) -> ColumnElement[bool]:
    """Return the condition that a row's participant counts (not simulated, unless asked)."""
    if filters.include_simulated:
        return true()
    simulated = select(participants.c.id).where(participants.c.simulated)
    return participant_column.not_in(simulated)


def finished_attempts(module: Module, phase: str, filters: Filters) -> list[ColumnElement[bool]]:
    """Return the conditions for the counted attempts of a phase finished in the range."""
    return [
        quiz_attempts.c.module == module.slug,
        quiz_attempts.c.phase == phase,
        quiz_attempts.c.finished_at.is_not(None),
        within(quiz_attempts.c.finished_at, filters),
        counted(quiz_attempts.c.participant_id, filters),
    ]


def counted_votes(module: Module, filters: Filters) -> list[ColumnElement[bool]]:
    """Return the conditions for the module's counted votes (rehearsal rounds left out)."""
    poll = poll_id(module)
    conditions = [
        votes.c.poll_id == poll,
        within(votes.c.created_at, filters),
        counted(votes.c.participant_id, filters),
    ]
    if not filters.include_simulated:
        rehearsals = select(poll_rounds.c.round).where(
            poll_rounds.c.poll_id == poll, poll_rounds.c.simulated
        )
        conditions.append(votes.c.round.not_in(rehearsals))
    if filters.round is not None:
        conditions.append(votes.c.round == filters.round)
    return conditions


def read_frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    """Run `query` and return its rows as a frame with these column names, built by column."""
    rows = conn.execute(query).all()
    data = list(zip(*rows, strict=True)) if rows else [()] * len(columns)
    return pd.DataFrame({name: list(values) for name, values in zip(columns, data, strict=True)})


def utc_series(values: pd.Series) -> pd.Series:
    """Return timestamps as UTC-aware pandas values (SQLite hands back naive UTC)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(dt.UTC)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.dt.tz_localize(dt.UTC)
    return pd.to_datetime(values, utc=True)
