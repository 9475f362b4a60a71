"""Throttles kept in the database: counted attempts per key, reserved before the work they guard.

An attempt is counted *before* the password is checked (or the participant created), in one
transaction that holds the keys' rows locked, so that forty attempts sent at once are forty
counted attempts and not forty that all saw an empty count. The policies themselves are plain
Python (`rounds.rules.educator.Backoff`, `RateLimit`); this module only counts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Engine, delete, select, update

from rounds.store.engine import as_utc, upsert, utcnow
from rounds.store.tables import throttle


class Policy(Protocol):
    """How many attempts a key allows (see `rounds.rules.educator`)."""

    def expired(self, first: float, last: float, now: float) -> bool: ...

    def wait(self, count: int, first: float, last: float, now: float) -> float: ...


@dataclass(frozen=True)
class Reservation:
    """The outcome of `reserve`: allowed or not, and how long to wait.

    `wait` is the time to wait before trying again: if refused, from now; if allowed, what the
    next attempt will face should this one fail.
    """

    allowed: bool
    wait: float


def _seconds(moment: dt.datetime) -> float:
    return as_utc(moment).timestamp()


def reserve(
    engine: Engine, keys: Sequence[tuple[str, Policy]], now: dt.datetime | None = None
) -> Reservation:
    """Count one attempt against every key, unless one of them makes it wait (then count none)."""
    now = now or utcnow()
    t = now.timestamp()
    ordered = sorted(dict(keys).items())  # one lock order for every caller: no deadlock
    if not ordered:
        return Reservation(True, 0.0)
    with engine.begin() as conn:
        for key, _ in ordered:  # the write takes SQLite's lock; PostgreSQL's rows are locked below
            upsert(
                conn,
                throttle,
                {"key": key, "count": 0, "first_at": now, "last_at": now},
                keys=["key"],
                update=[],
            )
        query = select(throttle).where(throttle.c.key.in_([k for k, _ in ordered]))
        if conn.dialect.name == "postgresql":
            query = query.with_for_update()
        rows = {row.key: row for row in conn.execute(query)}
        # Each key's count, window start and last attempt as seconds; forgotten ones start over.
        state: dict[str, tuple[int, float, float]] = {}
        for key, policy in ordered:
            row = rows[key]
            first, last = _seconds(row.first_at), _seconds(row.last_at)
            fresh = row.count == 0 or policy.expired(first, last, t)
            state[key] = (0, t, t) if fresh else (row.count, first, last)
        wait = max(policy.wait(*state[key], t) for key, policy in ordered)
        if wait > 0:
            return Reservation(False, wait)
        for key, _ in ordered:
            count, first, _last = state[key]
            conn.execute(
                update(throttle)
                .where(throttle.c.key == key)
                .values(
                    count=count + 1, first_at=dt.datetime.fromtimestamp(first, dt.UTC), last_at=now
                )
            )
        after = max(policy.wait(state[k][0] + 1, state[k][1], t, t) for k, policy in ordered)
    return Reservation(True, after)


def forget(engine: Engine, keys: Sequence[str]) -> None:
    """Drop the counted attempts of these keys (a right password from that session or device)."""
    with engine.begin() as conn:
        conn.execute(delete(throttle).where(throttle.c.key.in_(list(keys))))


def refund(engine: Engine, keys: Sequence[str]) -> None:
    """Take back one counted attempt from each key (an attempt that turned out to be right)."""
    with engine.begin() as conn:
        conn.execute(
            update(throttle)
            .where(throttle.c.key.in_(list(keys)), throttle.c.count > 0)
            .values(count=throttle.c.count - 1)
        )


def purge(engine: Engine, before: dt.datetime) -> int:
    """Delete keys whose last attempt is older than `before`; return how many."""
    with engine.begin() as conn:
        return conn.execute(delete(throttle).where(throttle.c.last_at < before)).rowcount
