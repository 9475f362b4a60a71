"""The dashboard's poll views, checked against the hand-computed cohort of `dashboard_cohort`.

Results per round, by profession with small groups merged so that nobody can be picked out,
and votes over time.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from rounds import dashboard
from rounds.dashboard import Filters
from rounds.store import participants, votes
from tests.dashboard_cohort import (
    DAY2,
    LABELS,
    MODULE,
    OPTIONS,
    REHEARSAL,
    SIMULATED_VOTERS,
    VOTE1,
    VOTE2,
)


def test_poll_by_round_shows_real_rounds_with_changed_votes(engine, cohort):
    frame = dashboard.poll_by_round(engine, MODULE, Filters())
    assert list(frame.columns) == ["round", "simulated", "archived", "option_key", "label",
                                   "count", "percent"]  # fmt: skip
    first, second = frame[frame["round"] == 1], frame[frame["round"] == 2]
    assert set(frame["round"]) == {1, 2}
    assert list(first["option_key"]) == OPTIONS
    assert list(first["count"]) == [1, 2, 1, 0, 1]  # B's changed vote counts as changed
    assert list(first["percent"]) == [20.0, 40.0, 20.0, 0.0, 20.0]
    assert list(second["count"]) == [1, 0, 1, 1, 0]
    assert list(second["percent"]) == [33.3, 0.0, 33.3, 33.3, 0.0]
    assert not frame["simulated"].any()
    assert frame["archived"].all()  # the rehearsal archived round 2

    everything = dashboard.poll_by_round(engine, MODULE, Filters(include_simulated=True))
    per_round = everything.groupby("round")["count"].sum().to_dict()
    assert per_round == {1: 6, 2: 3, 3: SIMULATED_VOTERS}
    assert everything.groupby("round")["simulated"].first().to_dict() == {
        1: False,
        2: False,
        3: True,
    }
    assert set(dashboard.poll_by_round(engine, MODULE, Filters(round=2))["round"]) == {2}
    assert set(dashboard.poll_by_round(engine, MODULE, Filters(since=DAY2))["round"]) == {2}


def by_profession(engine, min_group: int, filters: Filters | None = None) -> dict:
    frame = dashboard.poll_by_profession(
        engine, MODULE, filters or Filters(), min_group=min_group, labels=LABELS
    )
    return {
        name: (int(group["n"].iloc[0]), list(group["count"]))
        for name, group in frame.groupby("profession", sort=False)
    }


def test_poll_by_profession_merges_small_groups_and_hides_a_small_merged_one(engine, cohort):
    # Latest vote each: A would_not_use (round 2), B use_for_some_eligible,
    # C use_for_some_eligible, G unsure (physicians by their latest attestation);
    # D would_not_use, E not_my_decision (nurses); F use_for_most_eligible (pharmacist).
    assert by_profession(engine, 5) == {
        "Fewer than 5 each: merged": (7, [1, 2, 2, 1, 1]),
    }
    assert by_profession(engine, 3) == {
        "Physician": (4, [0, 2, 1, 1, 0]),
        "Fewer than 3 each: merged": (3, [1, 0, 1, 0, 1]),
    }
    # Left out, the other 3 would be the total less the physicians: the physicians join them.
    assert by_profession(engine, 4) == {"Fewer than 4 each: merged": (7, [1, 2, 2, 1, 1])}
    assert by_profession(engine, 2) == {
        "Physician": (4, [0, 2, 1, 1, 0]),
        "Fewer than 2 each: merged": (3, [1, 0, 1, 0, 1]),
    }  # the lone pharmacist is neither shown alone nor left out: the nurses join them
    assert by_profession(engine, 8) == {}
    assert by_profession(engine, 1, Filters(round=1)) == {
        "Physician": (3, [1, 2, 0, 0, 0]),
        "Nurse": (2, [0, 0, 1, 0, 1]),
    }
    frame = dashboard.poll_by_profession(engine, MODULE, Filters(), min_group=3, labels=LABELS)
    physicians = frame[frame["profession"] == "Physician"]
    assert list(physicians["percent"]) == [0.0, 50.0, 25.0, 25.0, 0.0]


@pytest.mark.parametrize("chosen", [None, 1, 2])
def test_no_group_under_the_minimum_is_shown_or_can_be_worked_out_from_the_total(
    engine, cohort, chosen
):
    filters = Filters(round=chosen)
    voters = dashboard.poll_by_round(engine, MODULE, filters)["count"].sum() if chosen else 7
    for min_group in range(1, 10):
        groups = by_profession(engine, min_group, filters)
        sizes = [n for n, _ in groups.values()]
        assert all(n >= min_group for n in sizes), (min_group, groups)
        assert sum(sizes) == (voters if voters >= min_group else 0), (min_group, groups)


def test_votes_over_time_buckets_first_casts(engine, cohort):
    minute = dt.timedelta(minutes=1)

    def series(**kwargs) -> list[tuple]:
        frame = dashboard.votes_over_time(engine, MODULE, **kwargs)
        return [(t.to_pydatetime(), n) for t, n in frame.itertuples(index=False)]

    assert series(filters=Filters()) == [(VOTE1, 2), (VOTE1 + minute, 2), (VOTE1 + 2 * minute, 1),
                                         (VOTE2, 3)]  # fmt: skip
    assert series(filters=Filters(), bucket_seconds=3600) == [(VOTE1, 5), (VOTE2, 3)]
    assert series(filters=Filters(include_simulated=True), bucket_seconds=3600) == [
        (VOTE1, 6),
        (VOTE2, 3),
        (REHEARSAL, SIMULATED_VOTERS),
    ]
    assert series(filters=Filters(until=VOTE1 + minute)) == [(VOTE1, 2)]


def test_a_round_where_a_hundred_new_participants_voted_within_a_minute_is_flagged(engine, clock):
    """Ballot stuffing: each new participant costs a script one websocket and three messages."""
    poll = f"{MODULE.slug}/{MODULE.poll.key}"
    start = dt.datetime(2026, 12, 2, 9, 30, 5, tzinfo=dt.UTC)
    for n in range(dashboard.BURST + 1):
        clock.now = start + dt.timedelta(milliseconds=400 * n)  # 101 arrivals in 40 s
        pid = participants.new_participant_id()
        participants.record_attestation(engine, pid, "v1", "nurse", None)
        votes.record_vote(engine, poll, pid, OPTIONS[n % len(OPTIONS)])
    clock.now = start + dt.timedelta(minutes=5)  # a few more, later: not part of the burst
    for _ in range(3):
        pid = participants.new_participant_id()
        participants.record_attestation(engine, pid, "v1", "nurse", None)
        votes.record_vote(engine, poll, pid, OPTIONS[0])
    peaks = dashboard.arrival_peaks(engine, MODULE, Filters())
    assert peaks == {1: (dashboard.BURST + 1, pd.Timestamp("2026-12-02 09:30", tz="UTC"))}


def test_a_round_of_people_arriving_over_minutes_is_not_flagged(engine, cohort):
    assert dashboard.arrival_peaks(engine, MODULE, Filters(include_simulated=True)) == {}


def test_the_merged_group_cannot_be_taken_for_the_profession_other():
    labels = LABELS
    assert any(label.startswith("Other") for label in labels.values())
    assert not dashboard.merged_label(dashboard.MIN_GROUP).startswith("Other")
    assert dashboard.merged_label(5) not in labels.values()
