"""Retention purge, and backups that restore to the same data, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlalchemy import func, select, update

from rounds.store.certificates import issue_certificate
from rounds.store.engine import open_engine
from rounds.store.evaluation import save_evaluation
from rounds.store.events import record_event
from rounds.store.maintenance import backup, purge_older_than, restore
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.quiz import record_answer, start_attempt
from rounds.store.tables import metadata, participants
from rounds.store.votes import record_vote, vote_counts
from tests.conftest import ROOT

POLL = "m/poll"


def someone(engine, option: str) -> str:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    record_vote(engine, POLL, pid, option)
    attempt = start_attempt(engine, pid, "m", "post")
    record_answer(engine, attempt.id, "q1", "a", True)
    save_evaluation(engine, "m", pid, {"clear": 4})
    record_event(engine, pid, "m", "article_opened")
    issue_certificate(engine, pid, "m", dt.date(2026, 12, 1))
    return pid


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar()
            for t in metadata.sorted_tables
        }


def test_purge_deletes_old_participants_and_everything_of_theirs(engine):
    old, recent = someone(engine, "a"), someone(engine, "b")
    with engine.begin() as conn:
        conn.execute(
            update(participants)
            .where(participants.c.id == old)
            .values(created_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
        )
    deleted = purge_older_than(engine, 30)
    assert deleted["participants"] == 1 and deleted["votes"] == 1
    assert deleted["quiz_answers"] == 1 and deleted["attestations"] == 1
    assert deleted["certificates"] == 1  # its id no longer verifies: nothing of theirs is kept
    assert vote_counts(engine, POLL, 1) == {"b": 1}
    with engine.connect() as conn:
        left = conn.execute(select(participants.c.id)).scalars().all()
    assert left == [recent]


def test_backup_then_restore_brings_back_exactly_the_same_rows(database_url, tmp_path):
    engine = open_engine(database_url)
    for option in "aab":
        someone(engine, option)
    before = counts(engine)
    copy = backup(database_url, tmp_path / "backup.dump")
    someone(engine, "c")  # written after the backup: gone after the restore
    engine.dispose()
    restore(database_url, copy)
    engine = open_engine(database_url)
    assert counts(engine) == before
    assert vote_counts(engine, POLL, 1) == {"a": 2, "b": 1}
    engine.dispose()


def test_purge_command_needs_a_retention_period(tmp_path):
    env = {**os.environ, "ROUNDS_DATA_DIR": str(tmp_path), "ROUNDS_RETENTION_DAYS": ""}
    run = [sys.executable, "-m", "rounds", "purge"]
    refused = subprocess.run(run, cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 2 and "how many days" in refused.stderr
    done = subprocess.run([*run, "--days", "30"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0 and "participants: 0" in done.stdout


def test_the_postgresql_password_never_reaches_the_command_line(monkeypatch, tmp_path):
    from rounds.store import maintenance

    calls = []
    monkeypatch.setattr(maintenance.subprocess, "run", lambda argv, **kw: calls.append((argv, kw)))
    url = "postgresql+psycopg://rounds:s3cret-pw@db.example:5432/rounds?options=-csearch_path%3Dx"
    backup(url, tmp_path / "copy.dump")
    (tmp_path / "copy.dump").write_bytes(b"")
    restore(url, tmp_path / "copy.dump")
    assert [argv[0] for argv, _ in calls] == ["pg_dump", "pg_restore"]
    for argv, kw in calls:
        assert not any("s3cret-pw" in arg for arg in argv), argv  # ps would show it to anyone
        assert "postgresql://rounds@db.example:5432/rounds" in argv
        assert kw["env"]["PGPASSWORD"] == "s3cret-pw"


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    database = tmp_path / "data" / "rounds.db"
    engine = open_engine(f"sqlite:///{database}")
    someone(engine, "a")  # written to: the WAL and shared-memory files exist too
    for path in [database, *tmp_path.glob("data/rounds.db-*")]:
        assert path.stat().st_mode & 0o777 == 0o600, path
    engine.dispose()
