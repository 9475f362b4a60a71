"""The throttles kept in the database: counted before the work, shared, not resettable.

Run on SQLite and PostgreSQL: the counts live in the database so that every replica shares them
and no client message (Streamlit's `clear_cache`) can reset them.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from rounds.rules.educator import (
    EVERYONE,
    NEW_PARTICIPANTS,
    PER_ADDRESS,
    PER_SESSION,
    Backoff,
    RateLimit,
    attestation_key,
    sign_in_keys,
)
from rounds.store import throttle
from rounds.store.engine import open_engine

T0 = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# --- the policies, plain Python ---------------------------------------------------------------


def test_backoff_is_free_for_the_first_attempts_then_doubles_up_to_its_cap():
    policy = Backoff(free=3)
    assert [policy.wait(n, 0, 0, 0) for n in range(3)] == [0, 0, 0]
    waits = [policy.wait(n, 0, 0, 0) for n in range(3, 13)]
    assert waits == [2, 4, 8, 16, 32, 64, 128, 256, 300, 300]
    assert policy.wait(4, 0, 0, 1.5) == pytest.approx(2.5)  # counts down from the last attempt
    assert policy.wait(10, 0, 0, 900) == 0  # forgotten after the window


def test_rate_limit_allows_its_limit_per_fixed_window():
    policy = RateLimit(limit=3, window=60)
    assert policy.wait(2, 0, 10, 10) == 0
    assert policy.wait(3, 0, 10, 10) == 50
    assert policy.wait(3, 0, 59, 60) == 0


def test_a_known_device_counts_only_against_itself_and_its_session():
    known = dict(sign_in_keys("s1", "d1", "10.0.0.1"))
    assert set(known) == {"educator:session:s1", "educator:device:d1"}
    unknown = dict(sign_in_keys("s1", None, "10.0.0.1"))
    assert unknown == {
        "educator:session:s1": PER_SESSION,
        "educator:address:10.0.0.1": PER_ADDRESS,
        "educator:unknown-devices": EVERYONE,
    }


def test_a_room_of_500_phones_behind_one_address_can_attest_within_a_minute():
    key, policy = attestation_key("203.0.113.9")
    assert key == "attest:address:203.0.113.9" and policy is NEW_PARTICIPANTS
    assert policy.wait(499, 0, 59, 59) == 0
    assert policy.wait(NEW_PARTICIPANTS.limit, 0, 30, 30) > 0


# --- the counts, in the database --------------------------------------------------------------


def test_an_attempt_is_counted_before_it_runs_and_refused_once_the_wait_applies(engine):
    keys = [("k", Backoff(free=3))]
    for n in range(3):
        assert throttle.reserve(engine, keys, at(n)).allowed
    refused = throttle.reserve(engine, keys, at(3))
    assert not refused.allowed and refused.wait == pytest.approx(1.0)  # 2 s from the last
    assert throttle.reserve(engine, keys, at(4)).allowed  # the wait is over: counted (4th)
    assert throttle.reserve(engine, keys, at(5)).wait == pytest.approx(3.0)  # 4 s from at(4)


def test_one_key_that_waits_refuses_the_attempt_and_counts_nothing(engine):
    tight, loose = ("tight", Backoff(free=1)), ("loose", Backoff(free=100))
    assert throttle.reserve(engine, [tight, loose], at(0)).allowed
    assert not throttle.reserve(engine, [tight, loose], at(0.5)).allowed
    for n in range(5):  # the loose key alone still works: nothing was counted by the refusal
        assert throttle.reserve(engine, [loose], at(1 + n)).allowed


def test_a_right_password_forgets_its_own_keys_and_refunds_the_shared_ones(engine):
    own, shared = ("own", Backoff(free=2)), ("shared", Backoff(free=2))
    throttle.reserve(engine, [own, shared], at(0))
    throttle.reserve(engine, [own, shared], at(1))
    throttle.forget(engine, ["own"])
    throttle.refund(engine, ["shared"])
    assert throttle.reserve(engine, [own, shared], at(2)).allowed  # shared: 1 + 1 = 2 counted
    assert not throttle.reserve(engine, [shared], at(2.1)).allowed


def test_a_rate_limit_window_starts_over(engine):
    keys = [("attest", RateLimit(limit=2, window=60))]
    assert throttle.reserve(engine, keys, at(0)).allowed
    assert throttle.reserve(engine, keys, at(10)).allowed
    refused = throttle.reserve(engine, keys, at(20))
    assert not refused.allowed and refused.wait == pytest.approx(40)
    assert throttle.reserve(engine, keys, at(61)).allowed


def test_forty_attempts_at_once_are_forty_counted_attempts(database_url):
    """The race of the review: 40 sign-ins at once all saw an empty count and were all checked."""
    engines = [open_engine(database_url) for _ in range(2)]  # two replicas on one database
    keys = [("educator:address:203.0.113.7", Backoff(free=3))]
    allowed: list[bool] = []
    start = threading.Barrier(40)

    def attempt(n: int) -> None:
        start.wait()
        allowed.append(throttle.reserve(engines[n % 2], keys).allowed)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for eng in engines:
        eng.dispose()
    assert len(allowed) == 40
    assert allowed.count(True) == 3


def test_old_keys_are_purged(engine):
    throttle.reserve(engine, [("old", Backoff(free=1))], at(0))
    throttle.reserve(engine, [("new", Backoff(free=1))], at(3600))
    assert throttle.purge(engine, at(1800)) == 1
    assert not throttle.reserve(engine, [("new", Backoff(free=1))], at(3600.5)).allowed
