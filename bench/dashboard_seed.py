"""Seed a database with N synthetic participants of one module, in bulk (for the dashboard bench).

Deterministic (a fixed random seed): participants over 30 days with attestations, events, pre and
post attempts and answers, evaluations and votes, plus a rehearsal round of simulated voters.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid

from sqlalchemy import Engine, func, insert, select, text

from rounds.rules.progress import ARTICLE_OPENED, COMPLETED, poll_id
from rounds.rules.quiz import stored_result
from rounds.store.tables import (
    attestations,
    evaluation_answers,
    events,
    participants,
    poll_rounds,
    quiz_answers,
    quiz_attempts,
    votes,
)

CHUNK = 5_000  # participants generated and inserted per transaction
START = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)
DAYS = 30
PROFESSIONS = {"physician": 45, "nurse": 30, "pharmacist": 15, "other_hcp": 10}
COUNTRIES = ["Spain", "France", "Germany", "Italy", "United Kingdom", "United States", None]
REHEARSAL_VOTERS = 200
TABLES = [
    participants,
    attestations,
    events,
    quiz_attempts,
    quiz_answers,
    evaluation_answers,
    votes,
    poll_rounds,
]


# --- seeding ----------------------------------------------------------------------------------


class Seeder:
    """Generate one module's worth of plausible rows for N participants, deterministically."""

    def __init__(self, module, seed: int = 2025) -> None:
        self.module = module
        self.rng = random.Random(seed)
        self.poll = poll_id(module)
        self.questions = module.quiz.questions
        self.wrong = {
            q.key: next(o.key for o in q.options if o.key != q.correct) for q in self.questions
        }
        self.statements = [s.key for s in module.evaluation.statements]
        self.options = [o.key for o in module.poll.options]
        self.option_weights = [30, 25, 20, 10, 5, 10]
        self.next_attempt = 1

    def _pid(self) -> str:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4).hex

    def _attempt(self, rows: dict, pid: str, phase: str, at: dt.datetime, p_right: float) -> int:
        rng, attempt_id = self.rng, self.next_attempt
        self.next_attempt += 1
        finished = rng.random() < 0.95
        attempt = {
            "id": attempt_id,
            "participant_id": pid,
            "module": self.module.slug,
            "phase": phase,
            "seed": rng.randrange(1, 2**31),
            "started_at": at,
            "finished_at": at + dt.timedelta(minutes=3) if finished else None,
            "correct": None,
            "question_set": None,
            "correct_mask": None,
        }
        rows[quiz_attempts].append(attempt)
        given = []
        for n, question in enumerate(self.questions):
            correct = rng.random() < p_right
            given.append((question.key, correct))
            rows[quiz_answers].append(
                {
                    "attempt_id": attempt_id,
                    "question_key": question.key,
                    "option_key": question.correct if correct else self.wrong[question.key],
                    "is_correct": correct,
                    "answered_at": at + dt.timedelta(seconds=30 * (n + 1)),
                }
            )
        if not finished:
            return -1
        attempt.update(stored_result(given))  # as `finish_attempt` stores it
        return attempt["correct"]

    def participant(self, rows: dict) -> None:
        """Add one participant's whole path through the module to `rows`."""
        rng, slug = self.rng, self.module.slug
        pid = self._pid()
        at = START + dt.timedelta(seconds=rng.uniform(0, DAYS * 86_400))
        rows[participants].append({"id": pid, "created_at": at, "simulated": False})
        professions = rng.choices(list(PROFESSIONS), list(PROFESSIONS.values()), k=2)
        for k in range(2 if rng.random() < 0.1 else 1):
            rows[attestations].append(
                {
                    "participant_id": pid,
                    "attested_at": at + dt.timedelta(days=3 * k),
                    "text_version": "v1",
                    "profession": professions[k],
                    "country": rng.choice(COUNTRIES),
                }
            )
        if rng.random() < 0.9:
            rows[events].append(
                {"participant_id": pid, "module": slug, "kind": ARTICLE_OPENED, "at": at}
            )
        if rng.random() < 0.7:
            self._attempt(rows, pid, "pre", at + dt.timedelta(minutes=1), 0.45)
        best = -1
        if rng.random() < 0.8:
            for k in range(2 if rng.random() < 0.25 else 1):
                moment = at + dt.timedelta(minutes=20 + 10 * k)
                best = max(best, self._attempt(rows, pid, "post", moment, 0.72))
        evaluated = rng.random() < 0.6
        if evaluated:
            for key in self.statements:
                value = (
                    None
                    if rng.random() < 0.05
                    else rng.choices(range(1, 6), [5, 10, 20, 40, 25])[0]
                )
                rows[evaluation_answers].append(
                    {
                        "module": slug,
                        "participant_id": pid,
                        "statement_key": key,
                        "value": value,
                        "answered_at": at + dt.timedelta(minutes=40),
                    }
                )
        if evaluated and best >= 3:
            rows[events].append(
                {
                    "participant_id": pid,
                    "module": slug,
                    "kind": COMPLETED,
                    "at": at + dt.timedelta(minutes=45),
                }
            )
        if rng.random() < 0.7:
            first = 1 if at < START + dt.timedelta(days=DAYS / 2) else 2
            rounds = [first] + ([3 - first] if rng.random() < 0.1 else [])
            for number in rounds:
                cast = at + dt.timedelta(minutes=50, seconds=rng.uniform(0, 600))
                rows[votes].append(
                    {
                        "poll_id": self.poll,
                        "round": number,
                        "participant_id": pid,
                        "option_key": rng.choices(self.options, self.option_weights)[0],
                        "created_at": cast,
                        "updated_at": cast,
                    }
                )

    def rehearsal(self, rows: dict) -> None:
        """Add a simulated round 3 with its synthetic voters, and the poll's stored rounds."""
        at = START + dt.timedelta(days=DAYS)
        for number, simulated in ((1, False), (2, False), (3, True)):
            rows[poll_rounds].append(
                {
                    "poll_id": self.poll,
                    "round": number,
                    "state": "open" if number == 3 else "closed",
                    "simulated": simulated,
                    "created_at": at,
                    "archived_at": None if number == 3 else at,
                }
            )
        for _ in range(REHEARSAL_VOTERS):
            pid = self._pid()
            rows[participants].append({"id": pid, "created_at": at, "simulated": True})
            rows[attestations].append(
                {
                    "participant_id": pid,
                    "attested_at": at,
                    "text_version": "simulated",
                    "profession": self.rng.choice(list(PROFESSIONS)),
                    "country": None,
                }
            )
            rows[votes].append(
                {
                    "poll_id": self.poll,
                    "round": 3,
                    "participant_id": pid,
                    "option_key": self.rng.choice(self.options),
                    "created_at": at,
                    "updated_at": at,
                }
            )


def _insert(engine: Engine, rows: dict) -> None:
    with engine.begin() as conn:
        for table in TABLES:  # parents before children
            if rows[table]:
                conn.execute(insert(table), rows[table])


def seed(engine: Engine, module, n: int) -> dict[str, int]:
    """Fill the database with `n` participants' rows in bulk; return the row count per table."""
    seeder = Seeder(module)
    for start in range(0, n, CHUNK):
        rows: dict = {table: [] for table in TABLES}
        for _ in range(min(CHUNK, n - start)):
            seeder.participant(rows)
        _insert(engine, rows)
    rows = {table: [] for table in TABLES}
    seeder.rehearsal(rows)
    _insert(engine, rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one() for t in TABLES
        }
