"""What a dashboard view counts, the SQL conditions that says, and how the views read.

Every view takes the same `Filters`. The time range applies to the moment each kind of row
records: an attestation's `attested_at`, an event's `at`, a quiz attempt's `finished_at`, an
evaluation answer's `answered_at` (its latest revision) and a vote's `created_at` (when it was
first cast; a changed vote keeps that moment and counts with its current option).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Select,
    String,
    and_,
    cast,
    select,
    true,
)

from rounds.content.schema import Module
from rounds.rules.progress import poll_id
from rounds.store.engine import as_utc
from rounds.store.tables import participants, poll_rounds, quiz_attempts, votes


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


Who = Callable[[ColumnElement], ColumnElement[bool]]


def everyone(_participant: ColumnElement) -> ColumnElement[bool]:
    """Return the condition that keeps every participant's rows."""
    return true()


def simulated_only(participant: ColumnElement) -> ColumnElement[bool]:
    """Return the condition that keeps only simulated participants' rows (a partial index)."""
    return participant.in_(select(participants.c.id).where(participants.c.simulated))


def finished_attempts(
    module: Module, phase: str, filters: Filters, who: Who = everyone
) -> list[ColumnElement[bool]]:
    """Return the conditions for `who`'s attempts of a phase finished in the range."""
    return [
        quiz_attempts.c.module == module.slug,
        quiz_attempts.c.phase == phase,
        quiz_attempts.c.finished_at.is_not(None),
        within(quiz_attempts.c.finished_at, filters),
        who(quiz_attempts.c.participant_id),
    ]


def counted_votes(
    module: Module, filters: Filters, who: Who = everyone
) -> list[ColumnElement[bool]]:
    """Return the conditions for `who`'s votes in the module (rehearsal rounds left out)."""
    poll = poll_id(module)
    conditions = [
        votes.c.poll_id == poll,
        within(votes.c.created_at, filters),
        who(votes.c.participant_id),
    ]
    if not filters.include_simulated:
        rehearsals = select(poll_rounds.c.round).where(
            poll_rounds.c.poll_id == poll, poll_rounds.c.simulated
        )
        conditions.append(votes.c.round.not_in(rehearsals))
    if filters.round is not None:
        conditions.append(votes.c.round == filters.round)
    return conditions


def tally(
    conn: Connection, build: Callable[[Who], Select], filters: Filters, keys: int = 1
) -> dict[tuple, list[int]]:
    """Run a grouped count for everyone, less the simulated participants' share unless asked.

    `build(who)` returns a SELECT of `keys` grouping columns and then COUNTs, over the rows
    of the participants `who` keeps. Each participant adds to the counts independently of
    the others (rows, or distinct participants, never a ratio), so everyone's counts minus
    the simulated participants' are the real learners'. Simulated participants are few, so
    their query reads a few index entries, where leaving them out row by row would test
    every row. Returns {key tuple: [counts]}; groups left with no count are dropped.
    """

    def run(who: Who) -> dict[tuple, list[int]]:
        result = conn.execute(build(who))
        rows = result.cursor.fetchall()  # the driver's tuples: far faster than row objects
        return {row[:keys]: list(row[keys:]) for row in rows if any(row[keys:])}

    counts = run(everyone)
    if not filters.include_simulated:
        for key, theirs in run(simulated_only).items():
            counts[key] = [n - m for n, m in zip(counts[key], theirs, strict=True)]
    return {key: found for key, found in counts.items() if any(found)}


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """Open a connection for the views' read-only aggregate queries.

    On PostgreSQL the transaction turns JIT compilation off (it spent up to 2 s compiling
    queries that run in a fraction of that), lets sorts and hashes use 32 MB instead of
    spilling to disk, prices a random page read close to a sequential one (as on an SSD or
    in memory: it then reads the covering indexes in order rather than hashing a whole
    table, 30 % faster at 100,000 participants) and fixes the text form of timestamps; all
    end with the transaction.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(
                "SET LOCAL jit = off; SET LOCAL work_mem = '32MB'; "
                "SET LOCAL random_page_cost = 1.1; SET LOCAL DateStyle = 'ISO'"
            )
        yield conn


def read_frame(conn: Connection, query, columns: list[str]) -> pd.DataFrame:
    """Run `query` and return its rows as a frame with these column names.

    Large exports are read straight from the driver's tuples (about twice as fast as building
    a row object per row), so the query does its own conversions: it selects timestamps as
    text (`as_text`) and `utc_series` parses them in bulk.
    """
    result = conn.execute(query)
    try:
        rows = result.cursor.fetchall()
    finally:
        result.close()
    return pd.DataFrame.from_records(rows, columns=columns, coerce_float=False)


def as_text(column):
    """Select a timestamp as ISO text (parsed in bulk by `utc_series`, far faster)."""
    return cast(column, String).label(column.name)


def utc_series(values: pd.Series) -> pd.Series:
    """Return timestamps (or their ISO text) as UTC-aware pandas values; naive means UTC."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert(dt.UTC)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.dt.tz_localize(dt.UTC)
    return pd.to_datetime(values, utc=True, format="ISO8601")
