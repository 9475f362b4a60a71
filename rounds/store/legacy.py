"""The hand-written migrations Rounds had before Alembic, kept only as a bridge.

A database made by those records its version (1 to 4) in a `schema_info` table. `upgrade`
brings it to version 4, which is exactly Alembic's baseline revision (`BASELINE`), then drops
`schema_info`; `rounds.store.engine.migrate` stamps it and lets Alembic take it from there.
Nothing new goes here: a schema change is an Alembic migration.
"""

from __future__ import annotations

from sqlalchemy import bindparam, inspect, select, text, update
from sqlalchemy.engine import Connection

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

BASELINE = "0001"
LAST_VERSION = 4
_BATCH = 5_000  # attempts given their stored score per statement, upgrading to version 3
# The tables version 4 had (the security tables came with Alembic's revision 0002).
LEGACY_TABLES = [
    participants, attestations, votes, quiz_attempts, quiz_answers, evaluation_answers, events,
    poll_rounds,
]  # fmt: skip


def version(conn: Connection) -> int:
    """Return the version a pre-Alembic database recorded (0: none, an empty or new database)."""
    if not conn.dialect.has_table(conn, "schema_info"):
        return 0
    return conn.execute(text("SELECT version FROM schema_info")).scalar() or 0


def upgrade(conn: Connection) -> None:
    """Bring a pre-Alembic database to version 4 (Alembic's baseline) and drop `schema_info`."""
    current = version(conn)
    if current > LAST_VERSION:
        raise RuntimeError(f"unknown pre-Alembic schema version {current}")
    for table in LEGACY_TABLES:  # a table added at a later version (poll_rounds at 2)
        table.create(conn, checkfirst=True)
    for step in range(current + 1, LAST_VERSION + 1):
        UPGRADES[step](conn)
    conn.execute(text("DROP TABLE schema_info"))


def _add_simulated_flag(conn: Connection) -> None:
    columns = {c["name"] for c in inspect(conn).get_columns("participants")}
    if "simulated" not in columns:
        conn.execute(
            text("ALTER TABLE participants ADD COLUMN simulated BOOLEAN NOT NULL DEFAULT false")
        )


def _store_scores(conn: Connection) -> None:
    """Give every finished attempt its stored score (the dashboard reads it, not the answers)."""
    columns = {c["name"] for c in inspect(conn).get_columns("quiz_attempts")}
    for name, kind in (
        ("correct", "INTEGER"),
        ("question_set", "BIGINT"),
        ("correct_mask", "BIGINT"),
    ):
        if name not in columns:
            conn.execute(text(f"ALTER TABLE quiz_attempts ADD COLUMN {name} {kind}"))
    pending = (
        select(quiz_attempts.c.id)
        .where(quiz_attempts.c.finished_at.is_not(None), quiz_attempts.c.question_set.is_(None))
        .order_by(quiz_attempts.c.id)
        .limit(_BATCH)
    )
    stored = ("correct", "question_set", "correct_mask")
    store = (
        update(quiz_attempts)
        .where(quiz_attempts.c.id == bindparam("attempt"))
        .values({name: bindparam(f"new_{name}") for name in stored})
    )
    last = 0
    while ids := conn.execute(pending.where(quiz_attempts.c.id > last)).scalars().all():
        answers: dict[int, list] = {attempt: [] for attempt in ids}
        for attempt, key, right in conn.execute(
            select(
                quiz_answers.c.attempt_id, quiz_answers.c.question_key, quiz_answers.c.is_correct
            ).where(quiz_answers.c.attempt_id.between(ids[0], ids[-1]))
        ):
            if attempt in answers:  # not an unfinished attempt's
                answers[attempt].append((key, right))
        rows = [
            {"attempt": attempt, **{f"new_{k}": v for k, v in stored_result(given).items()}}
            for attempt, given in answers.items()
        ]
        conn.execute(store, rows)
        last = ids[-1]
    conn.execute(text("DROP INDEX IF EXISTS ix_attestations_participant_id"))  # now wider


def _sync_indexes(conn: Connection) -> None:
    """Give every table exactly the indexes `tables.py` declares, by name and columns.

    `create_all` skips the indexes of a table that exists, and an index declared anew under
    an old name (version 4 widened two of version 3's) must be dropped before it is rebuilt.
    """
    found = inspect(conn)
    for table in LEGACY_TABLES:
        have = {i["name"]: i["column_names"] for i in found.get_indexes(table.name)}
        for index in table.indexes:
            wanted = [column.name for column in index.columns]
            if index.name in have and have[index.name] != wanted:
                index.drop(conn)
            if have.get(index.name) != wanted:
                index.create(conn)


# Upgrade steps by the version they lead to.
UPGRADES = {2: _add_simulated_flag, 3: _store_scores, 4: _sync_indexes}
