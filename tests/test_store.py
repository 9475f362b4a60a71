"""Storage on SQLite and PostgreSQL: attestations, one vote per participant, concurrency."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, inspect, select, text

from rounds.rules.lifecycle import PollState
from rounds.rules.quiz import question_fingerprint
from rounds.store.engine import MIGRATIONS, head_revision, migrate, open_engine, revision
from rounds.store.participants import latest_attestation, new_participant_id, record_attestation
from rounds.store.polls import reset, set_state
from rounds.store.quiz import finish_attempt, record_answer, start_attempt
from rounds.store.tables import attestations, metadata, participants, quiz_attempts, votes
from rounds.store.votes import record_vote, vote_counts
from tests.conftest import as_pre_alembic

POLL = "asparaginase-aya-all/frontline_blinatumomab"


def attested(engine, profession="nurse", country=None) -> str:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", profession, country)
    return pid


def test_schema_is_created_and_its_revision_recorded(database_url):
    engine = open_engine(database_url)
    with engine.connect() as conn:
        assert revision(conn) == head_revision()
    assert migrate(engine) == head_revision()  # a second start changes nothing
    engine.dispose()


def schema_drift(engine) -> list:
    """Return how the database differs from `tables.py` (tables, columns, types, indexes)."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_the_migrations_build_exactly_the_declared_tables(database_url):
    engine = open_engine(database_url)
    assert schema_drift(engine) == []
    engine.dispose()


def test_a_database_at_the_oldest_revision_upgrades_to_the_fresh_schema(database_url, tmp_path):
    old = create_engine(database_url)
    with old.begin() as conn:  # built by the oldest shipped migration alone
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        assert revision(conn) == "0001"
    pid = new_participant_id()
    with old.begin() as conn:  # a participant of those days
        conn.execute(participants.insert().values(id=pid, created_at=dt.datetime.now(dt.UTC)))
    old.dispose()
    upgraded = open_engine(database_url)
    assert schema_drift(upgraded) == []
    fresh = open_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    if upgraded.dialect.name == "sqlite":  # the same indexes, by name and columns, as a new one
        assert index_columns(upgraded) == index_columns(fresh)
    with upgraded.connect() as conn:
        assert conn.execute(select(participants.c.id)).scalars().all() == [pid]
    upgraded.dispose()
    fresh.dispose()


def sit(engine, pid: str, right: int, finish: bool = True) -> int:
    """Answer four questions, the first `right` of them correctly; return the attempt id."""
    attempt = start_attempt(engine, pid, "m", "post")
    for n in range(4):
        record_answer(engine, attempt.id, f"q{n}", "a", n < right)
    if finish:
        finish_attempt(engine, attempt.id)
    return attempt.id


def stored_scores(engine) -> dict[int, tuple]:
    """Return {attempt id: (number correct, question set, correct mask)} as stored."""
    columns = (quiz_attempts.c.id, quiz_attempts.c.correct, quiz_attempts.c.question_set,
               quiz_attempts.c.correct_mask)  # fmt: skip
    with engine.connect() as conn:
        return {attempt: tuple(stored) for attempt, *stored in conn.execute(select(*columns))}


ASKED = question_fingerprint(f"q{n}" for n in range(4))


def test_a_finished_attempt_keeps_its_number_correct_and_the_questions_asked(engine):
    pid = attested(engine)
    three, open_one = sit(engine, pid, 3), sit(engine, pid, 2, finish=False)
    finish_attempt(engine, three)  # again: nothing changes
    assert stored_scores(engine) == {three: (3, ASKED, 0b0111), open_one: (None, None, None)}


def test_a_version_two_database_gets_stored_scores_and_the_new_indexes(database_url):
    engine = open_engine(database_url)
    pid = attested(engine)
    scored = {sit(engine, pid, right): (right, ASKED, 2**right - 1) for right in (0, 2, 4)}
    unfinished = sit(engine, pid, 1, finish=False)
    new_indexes = {"ix_participants_simulated", "ix_attestations_participant",
                   "ix_votes_participant", "ix_votes_round", "ix_quiz_attempts_scores",
                   "ix_quiz_answers_question", "ix_evaluation_answers_participant",
                   "ix_evaluation_answers_summary", "ix_events_module_kind"}  # fmt: skip
    with engine.begin() as conn:  # back to version 2: no stored scores, none of those indexes
        for name in new_indexes:
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(
            text("CREATE INDEX ix_attestations_participant_id ON attestations (participant_id)")
        )
        conn.execute(text("ALTER TABLE quiz_attempts DROP COLUMN correct"))
        conn.execute(text("ALTER TABLE quiz_attempts DROP COLUMN question_set"))
        conn.execute(text("ALTER TABLE quiz_attempts DROP COLUMN correct_mask"))
        as_pre_alembic(conn, 2)
    engine.dispose()
    upgraded = open_engine(database_url)
    with upgraded.connect() as conn:
        assert revision(conn) == head_revision()
        found = {
            i["name"] for t in metadata.sorted_tables for i in inspect(conn).get_indexes(t.name)
        }
    assert new_indexes <= found and "ix_attestations_participant_id" not in found
    assert stored_scores(upgraded) == {**scored, unfinished: (None, None, None)}
    upgraded.dispose()


def index_columns(engine) -> dict[str, list[str]]:
    """Return {index name: its columns} over every table, as the database has them."""
    with engine.connect() as conn:
        found = inspect(conn)
        return {
            index["name"]: index["column_names"]
            for table in found.get_table_names()
            for index in found.get_indexes(table)
        }


def test_a_version_three_database_gets_its_widened_indexes_rebuilt(database_url):
    engine = open_engine(database_url)
    pid = attested(engine)
    wanted = index_columns(engine)
    with engine.begin() as conn:  # back to version 3's narrower indexes, without ix_votes_round
        for name in ("ix_attestations_participant", "ix_quiz_attempts_scores", "ix_votes_round"):
            conn.execute(text(f"DROP INDEX {name}"))
        conn.execute(text("CREATE INDEX ix_attestations_participant "
                          "ON attestations (participant_id, attested_at)"))  # fmt: skip
        conn.execute(text("CREATE INDEX ix_quiz_attempts_scores ON quiz_attempts "
                          "(module, phase, participant_id, finished_at, correct, question_set, "
                          "correct_mask)"))  # fmt: skip
        as_pre_alembic(conn, 3)
    engine.dispose()
    assert index_columns(engine) != wanted
    upgraded = open_engine(database_url)
    assert index_columns(upgraded) == wanted
    assert latest_attestation(upgraded, pid).profession == "nurse"  # the rows are untouched
    upgraded.dispose()


def test_attestation_is_recorded_with_version_profession_and_country(engine):
    pid = attested(engine, "pharmacist", "Spain")
    found = latest_attestation(engine, pid)
    assert (found.text_version, found.profession, found.country) == ("v1", "pharmacist", "Spain")
    assert latest_attestation(engine, new_participant_id()) is None


def test_a_new_attestation_supersedes_the_old_one(engine):
    pid = attested(engine, "nurse")
    record_attestation(engine, pid, "v2", "physician", None)
    assert latest_attestation(engine, pid).text_version == "v2"
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(attestations)).scalar() == 2


def test_one_vote_per_participant_which_they_may_change(engine):
    alice, bob = attested(engine), attested(engine)
    record_vote(engine, POLL, alice, "use_for_most_eligible")
    record_vote(engine, POLL, bob, "use_for_most_eligible")
    assert vote_counts(engine, POLL, 1) == {"use_for_most_eligible": 2}
    record_vote(engine, POLL, alice, "would_not_use")
    record_vote(engine, POLL, alice, "would_not_use")  # a double click
    assert vote_counts(engine, POLL, 1) == {"use_for_most_eligible": 1, "would_not_use": 1}
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(votes)).scalar() == 2


def test_votes_in_another_round_or_poll_are_counted_apart(engine):
    pid = attested(engine)
    assert record_vote(engine, POLL, pid, "use_for_most_eligible") == 1
    reset(engine, POLL)
    set_state(engine, POLL, PollState.open)
    assert record_vote(engine, POLL, pid, "unsure") == 2
    record_vote(engine, "other/poll", pid, "yes")
    assert vote_counts(engine, POLL, 1) == {"use_for_most_eligible": 1}
    assert vote_counts(engine, POLL, 2) == {"unsure": 1}
    assert vote_counts(engine, "other/poll", 1) == {"yes": 1}


def test_eight_threads_of_one_hundred_voters_lose_and_double_nothing(engine):
    voters = [attested(engine) for _ in range(800)]
    options = ["use_for_most_eligible", "would_not_use", "unsure"]

    def vote_batch(batch: int) -> None:
        for i, pid in enumerate(voters[batch * 100 : (batch + 1) * 100]):
            record_vote(engine, POLL, pid, options[i % 3])
            record_vote(engine, POLL, pid, options[(i + 1) % 3])  # change of mind
            record_vote(engine, POLL, pid, options[(i + 1) % 3])  # and a double click

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(vote_batch, range(8)))

    counts = vote_counts(engine, POLL, 1)
    assert sum(counts.values()) == 800
    expected = {o: 0 for o in options}
    for i in range(800):
        expected[options[((i % 100) + 1) % 3]] += 1
    assert counts == expected
