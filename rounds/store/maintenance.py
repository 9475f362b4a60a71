"""Keeping data no longer than needed, and consistent backups that can be restored.

- `purge_older_than`: delete participants first seen more than N days ago with every row that
  belongs to them (attestations, answers, votes, events); aggregates shrink accordingly.
- `backup` / `restore`: SQLite through its online-backup API (safe while the app writes);
  PostgreSQL through `pg_dump -Fc` / `pg_restore`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, delete, select
from sqlalchemy.engine import URL, make_url

from rounds.store.engine import utcnow
from rounds.store.tables import (
    attestations,
    certificates,
    evaluation_answers,
    events,
    participants,
    quiz_answers,
    quiz_attempts,
    votes,
)


def purge_older_than(engine: Engine, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete participants created more than `days` ago and their rows; return counts deleted."""
    if days < 1:
        raise ValueError("retention must be at least one day")
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    old = select(participants.c.id).where(participants.c.created_at < cutoff)
    old_attempts = select(quiz_attempts.c.id).where(quiz_attempts.c.participant_id.in_(old))
    deleted: dict[str, int] = {}
    with engine.begin() as conn:
        deleted["quiz_answers"] = conn.execute(
            delete(quiz_answers).where(quiz_answers.c.attempt_id.in_(old_attempts))
        ).rowcount
        for table in (quiz_attempts, evaluation_answers, votes, events, certificates, attestations):
            deleted[table.name] = conn.execute(
                delete(table).where(table.c.participant_id.in_(old))
            ).rowcount
        deleted["participants"] = conn.execute(
            delete(participants).where(participants.c.created_at < cutoff)
        ).rowcount
    return deleted


def _libpq(url: URL) -> tuple[str, list[str], dict[str, str]]:
    """Return a libpq connection string, the pg_dump schema options and the environment.

    The password goes in the environment (`PGPASSWORD`), never on the command line, where any
    user of the machine could read it in the process list.
    """
    schema_args: list[str] = []
    raw = url.query.get("options")
    if isinstance(raw, str) and raw.startswith("-csearch_path="):
        schema_args = ["--schema", raw.split("=", 1)[1]]
    plain = url.set(drivername="postgresql", query={})._replace(password=None)
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), schema_args, env


def backup(database_url: str, target: Path) -> Path:
    """Write a consistent copy of the database to `target` and return it."""
    url = make_url(database_url)
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)
        copy.close()
        source.close()
        return target
    dsn, schema, env = _libpq(url)
    subprocess.run(["pg_dump", "-Fc", "-f", str(target), *schema, dsn], check=True, env=env)
    return target


def restore(database_url: str, source: Path) -> None:
    """Replace the database's contents with the backup at `source` (stop the app first)."""
    if not source.is_file():
        raise FileNotFoundError(source)
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        backup_db = sqlite3.connect(source)
        live = sqlite3.connect(url.database)
        with live:
            backup_db.backup(live)
        live.close()
        backup_db.close()
        return
    dsn, _schema, env = _libpq(url)
    subprocess.run(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "-d", dsn, str(source)],
        check=True,
        env=env,
    )
