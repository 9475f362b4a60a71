"""Open the database named by a URL, with the schema created or upgraded and its version kept."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, insert, inspect, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url

from rounds.store.tables import SCHEMA_VERSION, metadata, schema_info

SQLITE_BUSY_MS = 30_000
_MIGRATION_LOCK = 7_384_211  # an arbitrary, fixed PostgreSQL advisory-lock id


class StoreUnavailable(RuntimeError):
    """The database could not be reached or did not answer in time."""


def utcnow() -> dt.datetime:
    """Return the current time in UTC (every stored time is UTC)."""
    return dt.datetime.now(dt.UTC)


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def create(url: str) -> Engine:
    """Create an engine for `url` without touching the schema."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
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


# Upgrade steps by the version they lead to, run after `create_all` has added any new table.
UPGRADES: dict = {2: _add_simulated_flag}


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
