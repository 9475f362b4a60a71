"""Open the database named by a URL, with the schema created or upgraded and its version kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from sqlalchemy import (
    Engine,
    bindparam,
    create_engine,
    event,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url

from rounds.quiz import stored_result
from rounds.store.tables import (
    SCHEMA_VERSION,
    metadata,
    quiz_answers,
    quiz_attempts,
    schema_info,
)

SQLITE_BUSY_MS = 30_000
_MIGRATION_LOCK = 7_384_211  # an arbitrary, fixed PostgreSQL advisory-lock id
_BATCH = 5_000  # attempts given their stored score per statement, upgrading to version 3


class StoreUnavailable(RuntimeError):
    """The database could not be reached or did not answer in time."""


def utcnow() -> dt.datetime:
    """Return the current time in UTC (every stored time is UTC)."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """Return `moment` in UTC; a naive datetime (as SQLite gives them back) is UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _create_private(path: Path) -> None:
    """Create the SQLite file readable by its owner only (0600), unless it exists already.

    SQLite gives its -wal and -shm files the database file's permissions.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create(url: str) -> Engine:
    """Create an engine for `url` without touching the schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _create_private(Path(parsed.database))
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_MS / 1000})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def schema_version(conn: Connection) -> int:
    """Return the recorded schema version (0 for an empty database)."""
    if not conn.dialect.has_table(conn, schema_info.name):
        return 0
    return conn.execute(select(schema_info.c.version)).scalar() or 0


def migrate(engine: Engine) -> int:
    """Create or upgrade the schema to `SCHEMA_VERSION`; return the version now recorded."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {current} is newer than this code ({SCHEMA_VERSION})"
            )
        if current < SCHEMA_VERSION:
            metadata.create_all(conn, checkfirst=True)
            for step in range(current + 1, SCHEMA_VERSION + 1):
                UPGRADES.get(step, lambda _conn: None)(conn)
            conn.execute(schema_info.delete())
            conn.execute(insert(schema_info).values(id=1, version=SCHEMA_VERSION))
    return SCHEMA_VERSION


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
    for table in metadata.sorted_tables:
        have = {i["name"]: i["column_names"] for i in found.get_indexes(table.name)}
        for index in table.indexes:
            wanted = [column.name for column in index.columns]
            if index.name in have and have[index.name] != wanted:
                index.drop(conn)
            if have.get(index.name) != wanted:
                index.create(conn)


# Upgrade steps by the version they lead to, run after `create_all` has added any new table.
UPGRADES: dict = {2: _add_simulated_flag, 3: _store_scores, 4: _sync_indexes}


def open_engine(url: str) -> Engine:
    """Create an engine for `url` and bring its schema up to date."""
    engine = create(url)
    migrate(engine)
    return engine


def upsert(conn: Connection, table, values: dict, keys: list[str], update: list[str]) -> None:
    """Insert a row, or update `update` columns of the row with the same `keys` (none: keep it)."""
    dialect = {"postgresql": postgresql, "sqlite": sqlite}[conn.dialect.name]
    stmt = dialect.insert(table).values(**values)
    if update:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={col: stmt.excluded[col] for col in update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    conn.execute(stmt)
