"""Poll rounds in a meeting: legal moves, the timer, resets that archive, rehearsal rounds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, inspect, select, text

from rounds.rules.lifecycle import (
    IllegalTransition,
    PollClosed,
    PollState,
    RehearsalRunning,
    RoundInfo,
    accepts_votes,
    can_transition,
)
from rounds.store.engine import head_revision, open_engine, revision
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.polls import all_rounds, current_round, reset, set_state, simulate_round
from rounds.store.tables import participants
from rounds.store.votes import record_vote, vote_counts
from tests.conftest import as_pre_alembic

POLL = "m/poll"
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


def voter(engine) -> str:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    return pid


@pytest.mark.parametrize(
    ("current", "target", "legal"),
    [
        (PollState.draft, PollState.open, True),
        (PollState.draft, PollState.closed, False),
        (PollState.open, PollState.closed, True),
        (PollState.open, PollState.draft, False),
        (PollState.closed, PollState.open, True),
        (PollState.closed, PollState.draft, False),
    ],
)
def test_transitions(current, target, legal):
    assert can_transition(current, target) is legal


def test_timer_closes_an_open_round_when_it_runs_out():
    info = RoundInfo(POLL, 1, PollState.open, closes_at=NOW + dt.timedelta(seconds=30))
    assert accepts_votes(info, NOW)
    assert info.seconds_left(NOW) == 30
    assert info.effective_state(NOW + dt.timedelta(seconds=30)) is PollState.closed
    naive = RoundInfo(POLL, 1, PollState.open, closes_at=NOW.replace(tzinfo=None))
    assert not accepts_votes(naive, NOW)


def test_a_poll_never_managed_is_open_for_self_paced_learners(engine):
    assert current_round(engine, POLL).state is PollState.open
    assert record_vote(engine, POLL, voter(engine), "a") == 1


def test_illegal_moves_are_rejected_and_change_nothing(engine):
    reset(engine, POLL)
    with pytest.raises(IllegalTransition):
        set_state(engine, POLL, PollState.closed)
    assert current_round(engine, POLL).state is PollState.draft


def test_closed_and_draft_rounds_reject_votes(engine):
    pid = voter(engine)
    record_vote(engine, POLL, pid, "a")
    set_state(engine, POLL, PollState.closed)
    set_state(engine, POLL, PollState.closed)  # a double click is harmless
    with pytest.raises(PollClosed):
        record_vote(engine, POLL, pid, "b")
    assert vote_counts(engine, POLL, 1) == {"a": 1}
    reset(engine, POLL)
    with pytest.raises(PollClosed):
        record_vote(engine, POLL, pid, "b")


def test_timer_set_on_opening_closes_the_stored_round(engine, clock):
    reset(engine, POLL)
    info = set_state(engine, POLL, PollState.open, close_after=1)
    assert info.closes_at is not None
    record_vote(engine, POLL, voter(engine), "a")
    clock.now += dt.timedelta(seconds=1.2)  # the timer runs out (no sleep: an injected clock)
    with pytest.raises(PollClosed):
        record_vote(engine, POLL, voter(engine), "a")


def test_reset_archives_the_round_and_keeps_its_votes(engine):
    for _ in range(3):
        record_vote(engine, POLL, voter(engine), "a")
    fresh = reset(engine, POLL)
    assert (fresh.round, fresh.state) == (2, PollState.draft)
    set_state(engine, POLL, PollState.open)
    record_vote(engine, POLL, voter(engine), "b")
    rounds = all_rounds(engine, POLL)
    assert [(r.round, r.archived) for r in rounds] == [(1, True), (2, False)]
    assert vote_counts(engine, POLL, 1) == {"a": 3}
    assert vote_counts(engine, POLL, 2) == {"b": 1}


def test_rehearsal_votes_are_marked_and_kept_apart_from_real_rounds(engine):
    record_vote(engine, POLL, voter(engine), "a")
    info = simulate_round(engine, POLL, ["a", "b", "c"], ["nurse", "physician"], voters=40, seed=1)
    assert info.simulated and info.state is PollState.open and info.round == 2
    assert sum(vote_counts(engine, POLL, 2).values()) == 40
    assert vote_counts(engine, POLL, 1) == {"a": 1}
    with engine.connect() as conn:
        marked = conn.execute(
            select(func.count()).select_from(participants).where(participants.c.simulated)
        ).scalar()
    assert marked == 40
    with pytest.raises(RehearsalRunning):  # a real phone during the rehearsal: not mixed in
        record_vote(engine, POLL, voter(engine), "a")
    assert sum(vote_counts(engine, POLL, 2).values()) == 40
    real = reset(engine, POLL)
    assert not real.simulated and real.round == 3


def test_a_version_one_database_is_upgraded_in_place(database_url):
    engine = open_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE poll_rounds"))
        conn.execute(text("DROP INDEX ix_participants_simulated"))  # version 3's
        conn.execute(text("ALTER TABLE participants DROP COLUMN simulated"))
        as_pre_alembic(conn, 1)
    engine.dispose()
    upgraded = open_engine(database_url)
    with upgraded.connect() as conn:
        assert revision(conn) == head_revision()
        assert "simulated" in {c["name"] for c in inspect(conn).get_columns("participants")}
    assert current_round(upgraded, POLL).state is PollState.open
    upgraded.dispose()
