"""Turn participant records, database rows and process samples into the reported figures."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.loadgen.participant import Record
from bench.loadgen.server import ProcSample

MISSED_AFTER_S = 10.0  # an observer still connected this long after a vote should have seen it


def percentile(values: Sequence[float], q: float) -> float | None:
    """Return the q-th percentile (0-100) by linear interpolation, or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def seconds(value: float | None) -> str:
    """Format seconds with two decimals ("-" for none)."""
    return "-" if value is None else f"{value:.2f}"


def p50_p95(values: Sequence[float]) -> str:
    """Format the median and 95th percentile of some durations, as "0.12 / 0.40"."""
    return f"{seconds(percentile(values, 50))} / {seconds(percentile(values, 95))}"


@dataclass(frozen=True)
class StoredVote:
    """A vote row as the server stored it."""

    participant_id: str
    option_key: str
    stored_at: float  # epoch seconds (updated_at, UTC)


def stored_votes(database: Path | str, poll_id: str) -> list[StoredVote]:
    """Read every vote of a poll's round 1, oldest first, from a SQLite file or a database URL."""
    if isinstance(database, str):
        return _stored_votes_at(database, poll_id)
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30) as conn:
        rows = conn.execute(
            "SELECT participant_id, option_key, updated_at FROM votes "
            "WHERE poll_id = ? AND round = 1 ORDER BY updated_at",
            (poll_id,),
        ).fetchall()
    return [StoredVote(p, o, _epoch(at)) for p, o, at in rows]


def _epoch(stored: str) -> float:
    at = dt.datetime.fromisoformat(stored)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.timestamp()


@dataclass
class Freshness:
    """Delays from a vote being stored to other participants' results including it."""

    delays: list[float] = field(default_factory=list)
    missed: int = 0  # observers that stayed long enough but never saw the vote counted
    early: int = 0  # seen before its stored time (commit order differs from timestamps)


def freshness(records: Iterable[Record], votes: Sequence[StoredVote]) -> Freshness:
    """Compute, per stored vote and per participant already seeing results, the delay.

    The k-th stored vote is included in any total of at least k (one vote per participant,
    none changed). Observers are participants whose own vote was acknowledged before the vote
    was stored (results show only after voting) and who were still connected then.
    """
    found = Freshness()
    watchers = [
        r
        for r in records
        if r.acknowledged and r.vote_sent_at is not None and r.vote_rtt is not None
    ]
    for k, vote in enumerate(votes, start=1):
        for rec in watchers:
            acked_at = rec.vote_sent_at + rec.vote_rtt
            if acked_at > vote.stored_at or rec.closed_at is None:
                continue
            if rec.closed_at < vote.stored_at:
                continue
            seen = rec.first_seen(k)
            if seen is None:
                if rec.closed_at - vote.stored_at >= MISSED_AFTER_S:
                    found.missed += 1
                continue
            if seen < vote.stored_at:
                found.early += 1
            found.delays.append(max(0.0, seen - vote.stored_at))
    return found


@dataclass
class ServerUse:
    """The server process's CPU and memory over the load window."""

    cpu_seconds: float
    wall_seconds: float
    peak_cores: float  # the busiest sampling interval, in CPUs
    rss_idle_kb: int
    rss_peak_kb: int
    rss_after_kb: int
    threads_peak: int

    @property
    def mean_cores(self) -> float:
        """Return the CPU used per second of wall time, on average."""
        return self.cpu_seconds / self.wall_seconds if self.wall_seconds else 0.0


def server_use(idle: ProcSample, window: Sequence[ProcSample], after: ProcSample) -> ServerUse:
    """Summarise the samples taken between the idle reading and the one after the run."""
    points = [idle, *window, after]
    busiest = 0.0
    for a, b in itertools.pairwise(points):
        if b.at > a.at:
            busiest = max(busiest, (b.cpu_s - a.cpu_s) / (b.at - a.at))
    last = window[-1] if window else after
    return ServerUse(
        cpu_seconds=last.cpu_s - idle.cpu_s,
        wall_seconds=last.at - idle.at,
        peak_cores=busiest,
        rss_idle_kb=idle.rss_kb,
        rss_peak_kb=max(s.rss_kb for s in points),
        rss_after_kb=after.rss_kb,
        threads_peak=max(s.threads for s in points),
    )


@dataclass(frozen=True)
class MemoryDrift:
    """Resident memory after a warm-up: the reading then, the highest since and the last."""

    warm_kb: int
    max_kb: int
    end_kb: int
    samples: int

    @property
    def growth(self) -> float:
        """Return how far the highest reading rose above the warm-up one (0.05 = 5 %)."""
        return (self.max_kb - self.warm_kb) / self.warm_kb if self.warm_kb else 0.0


def memory_drift(samples: Sequence[ProcSample], warm_at: float, end_at: float) -> MemoryDrift:
    """Summarise RSS from the first sample at or after `warm_at` up to `end_at` (epoch seconds)."""
    after = [s for s in samples if warm_at <= s.at <= end_at]
    if not after:
        raise ValueError("no memory samples after the warm-up")
    return MemoryDrift(
        warm_kb=after[0].rss_kb,
        max_kb=max(s.rss_kb for s in after),
        end_kb=after[-1].rss_kb,
        samples=len(after),
    )


def _stored_votes_at(url: str, poll_id: str) -> list[StoredVote]:
    from sqlalchemy import create_engine, select

    from rounds.store.tables import votes

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(votes.c.participant_id, votes.c.option_key, votes.c.updated_at)
                .where(votes.c.poll_id == poll_id, votes.c.round == 1)
                .order_by(votes.c.updated_at)
            ).all()
    finally:
        engine.dispose()
    return [StoredVote(p, o, _epoch_of(at)) for p, o, at in rows]


def _epoch_of(at: dt.datetime) -> float:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).timestamp()
