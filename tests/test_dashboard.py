"""The educator dashboard's data, checked against the hand-computed cohort of `dashboard_cohort`.

The funnel, the learning views, the evaluation, the de-identified rows and each view's query
count; the poll's views are in `test_dashboard_poll.py`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import event, update

from rounds import dashboard
from rounds.dashboard import Filters
from rounds.store.tables import quiz_attempts
from tests.dashboard_cohort import (
    DAY1,
    DAY2,
    MODULE,
    QUESTIONS,
    SIMULATED_VOTERS,
    STATEMENTS,
    VOTE1,
    funnel_counts,
    funnel_shares,
    rows,
)


def test_the_funnel_counts_each_step_converting_only_between_nested_ones(engine, cohort):
    """Conversions between steps that are not nested read 125 % and 140 %: no longer shown."""
    assert funnel_counts(engine, Filters()) == [
        ("attested", 7, None),
        ("opened article", 7, None),
        ("pre-test", 5, None),  # A B C E F
        ("post-test", 5, None),  # A B C D F (E never finished)
        ("passed", 4, 80.0),  # best post of 3/4 or more: A B C F; 4 of the 5 post-tests
        ("evaluated", 5, None),
        ("voted", 7, None),
        ("certificate", 4, 100.0),  # of the 4 who passed
    ]
    assert funnel_shares(engine, Filters()) == [
        ("attested", 100.0, None),
        ("opened article", 100.0, None),
        ("pre-test", 71.4, None),
        ("post-test", 71.4, None),
        ("passed", 57.1, "post-test"),
        ("evaluated", 71.4, None),
        ("voted", 100.0, None),
        ("certificate", 57.1, "passed"),
    ]


def test_the_funnel_honours_since_inclusive_and_until_exclusive(engine, cohort):
    assert [n for _, n, _ in funnel_counts(engine, Filters(since=DAY2))] == [2, 2, 1, 1, 1, 1, 3, 1]
    assert [n for _, n, _ in funnel_counts(engine, Filters(until=DAY2))] == [6, 5, 4, 4, 3, 4, 5, 3]
    elsewhere = dt.timezone(dt.timedelta(hours=2))
    assert funnel_counts(engine, Filters(since=DAY2.astimezone(elsewhere))) == funnel_counts(
        engine, Filters(since=DAY2.replace(tzinfo=None))
    )
    assert [n for _, n, _ in funnel_counts(engine, Filters(round=2))][6] == 3


def test_simulated_participants_and_rehearsal_rounds_count_only_when_asked(engine, cohort):
    counts = [n for _, n, _ in funnel_counts(engine, Filters(include_simulated=True))]
    real_and_h = [8, 8, 6, 6, 5, 6, 8, 5]
    assert counts == [n + SIMULATED_VOTERS * (i in (0, 6)) for i, n in enumerate(real_and_h)]


def test_score_distribution_uses_first_pre_and_best_post(engine, cohort):
    frame = dashboard.score_distribution(engine, MODULE, Filters())
    assert rows(frame, "phase", "score_pct", "participants") == [
        ("pre", 0, 1),  # C
        ("pre", 25, 1),  # A's first attempt, not their later 4/4
        ("pre", 50, 2),  # B E
        ("pre", 75, 0),
        ("pre", 100, 1),  # F
        ("post", 0, 0),
        ("post", 25, 0),
        ("post", 50, 1),  # D
        ("post", 75, 1),  # B
        ("post", 100, 3),  # A (best of two) C F
    ]


def test_scores_count_only_the_quiz_questions_also_for_attempts_storing_none(engine, cohort):
    shorter = MODULE.model_copy(
        update={"quiz": MODULE.quiz.model_copy(update={"questions": QUESTIONS[:3]})}
    )
    # Over questions 1-3, first pre: A 1, B 2, C 0, E 2, F 3; best post: A 3, B 2, C 3, D 1, F 3.
    expected = [1, 1, 2, 1, 0, 1, 1, 3]  # pre 0-3 of 3, then post

    def scores() -> list[int]:
        return list(dashboard.score_distribution(engine, shorter, Filters())["participants"])

    assert scores() == expected
    full, gain = funnel_counts(engine, Filters()), dashboard.question_gain(engine, shorter)
    assert list(gain["pre_n"]) == [6, 6, 6]  # the answers to those 3 questions, as with all 4
    with engine.begin() as conn:  # as if finished by an older version: nothing stored
        conn.execute(
            update(quiz_attempts).values(correct=None, question_set=None, correct_mask=None)
        )
    assert scores() == expected
    assert funnel_counts(engine, Filters()) == full
    assert dashboard.question_gain(engine, shorter).equals(gain)


def test_question_gain_compares_all_finished_answers_in_quiz_order(engine, cohort):
    frame = dashboard.question_gain(engine, MODULE, Filters())
    assert list(frame["question_key"]) == [q.key for q in QUESTIONS]
    assert list(frame["prompt"]) == [q.prompt for q in QUESTIONS]
    # pre attempts A1 {1}, A2 all, B {1,2}, C none, E {1,3}, F all;
    # post attempts A1 {1,2}, A2 all, B {1,2,4}, C all, D {3,4}, F all.
    assert rows(frame, "pre_pct_correct", "post_pct_correct", "gain_pct_points") == [
        (83.3, 83.3, 0.0),
        (50.0, 83.3, 33.3),
        (50.0, 66.7, 16.7),
        (33.3, 83.3, 50.0),
    ]
    assert set(frame["pre_n"]) == {6}
    assert set(frame["post_n"]) == {6}
    only_day2 = dashboard.question_gain(engine, MODULE, Filters(since=DAY2))
    assert rows(only_day2, "pre_pct_correct", "post_pct_correct", "pre_n", "post_n")[0] == (
        100.0,
        100.0,
        1,
        1,
    )


def test_paired_gain_compares_the_same_people_first_pre_with_best_post(engine, cohort):
    """Pre n = 6 against post n = 6 answers mixes people; paired: A, B, C and F took both
    (E never finished a post-test, D took no pre-test, H is simulated)."""
    frame = dashboard.paired_gain(engine, MODULE, Filters())
    assert list(frame["question_key"]) == [None, *(q.key for q in QUESTIONS)]
    assert set(frame["n"]) == {4}
    # first pre: A {1}, B {1,2}, C none, F all; best post: A all, B {1,2,4}, C all, F all
    assert rows(frame, "pre_pct_correct", "post_pct_correct", "gain") == [
        (43.8, 93.8, 50.0),  # 7 of 16 answers right before, 15 of 16 after
        (75.0, 100.0, 25.0),
        (50.0, 100.0, 50.0),
        (25.0, 75.0, 50.0),
        (25.0, 100.0, 75.0),
    ]
    with_h = dashboard.paired_gain(engine, MODULE, Filters(include_simulated=True))
    assert set(with_h["n"]) == {5}
    nobody = dashboard.paired_gain(engine, MODULE, Filters(until=DAY1))
    assert set(nobody["n"]) == {0} and set(nobody["gain"]) == {None}


def test_evaluation_summary_and_commitment_to_change(engine, cohort):
    frame = dashboard.evaluation_summary(engine, MODULE, Filters()).set_index("key")
    assert list(frame.index) == STATEMENTS
    counts = [f"count_{v}" for v in range(1, 6)]
    assert frame.loc["clear", ["n", "skipped", *counts]].tolist() == [5, 0, 0, 1, 0, 2, 2]
    assert frame.loc["clear", "pct_agree"] == 80.0
    assert frame.loc["relevant", ["n", "skipped", "pct_agree", "median"]].tolist() == [
        4,
        1,
        75.0,
        4.0,
    ]
    commitment = dashboard.commitment_to_change(engine, MODULE, Filters())
    assert commitment["key"] == "change_practice"
    assert [commitment[c] for c in counts] == [0, 2, 1, 2, 0]  # A 3, B 4, C 2, D 2, F 4
    assert (commitment["n"], commitment["pct_agree"], commitment["median"]) == (5, 40.0, 3.0)
    assert dashboard.commitment_to_change(engine, MODULE, Filters(since=DAY2))["n"] == 1
    with_h = dashboard.evaluation_summary(engine, MODULE, Filters(include_simulated=True))
    assert with_h.set_index("key").loc["clear", ["n", "count_1"]].tolist() == [6, 1]


def test_deidentified_rows_use_export_pseudonyms_consistently(engine, cohort):
    frames = dashboard.deidentified_rows(engine, MODULE, Filters())
    people = frames["participants"]
    assert list(people.columns) == ["participant_id", "profession", "country", "attested_at"]
    assert len(people) == 7 and people["participant_id"].is_unique
    # 4 physicians, 2 nurses, 1 pharmacist: the small groups merge, and the physicians with
    # them, since the 3 others alone would be under 5 too (the dashboard's rule).
    assert set(people["profession"]) == {dashboard.merged_label(5)}
    stored = set(cohort.values())
    for name, frame in frames.items():
        assert set(frame["participant_id"]) <= set(people["participant_id"]), name
        assert not stored & set(frame.astype(str).to_numpy().ravel()), name
    answers = frames["quiz_answers"]
    assert answers["phase"].value_counts().to_dict() == {"pre": 24, "post": 24}
    assert int(answers["is_correct"].sum()) == (1 + 4 + 2 + 0 + 2 + 4) + (2 + 4 + 3 + 4 + 2 + 4)
    assert len(frames["evaluation"]) == 25 and frames["evaluation"]["value"].isna().sum() == 1
    cast = frames["votes"]
    assert cast["round"].value_counts().to_dict() == {1: 5, 2: 3}
    g = cast.loc[cast["option_key"] == "unsure", "participant_id"].item()
    g_row = people.set_index("participant_id").loc[g]
    assert g_row["attested_at"] == pd.Timestamp(DAY2).floor("h")
    b = cast.loc[
        (cast["round"] == 1) & (cast["option_key"] == "use_for_some_eligible"), "created_at"
    ]
    assert sorted(b) == [pd.Timestamp(VOTE1 + dt.timedelta(seconds=s)).floor("h") for s in (20, 65)]
    for frame in frames.values():  # no time finer than the hour
        for column in set(frame.columns) & {"attested_at", "answered_at", "created_at"}:
            assert (frame[column].dropna() == frame[column].dropna().dt.floor("h")).all()

    day2 = dashboard.deidentified_rows(engine, MODULE, Filters(since=DAY2))
    assert [
        len(day2[name]) for name in ("participants", "quiz_answers", "evaluation", "votes")
    ] == [
        3,  # F, G and A (A's round-2 vote)
        8,
        5,
        3,
    ]


@pytest.mark.parametrize(
    "view",
    [
        dashboard.funnel,
        dashboard.score_distribution,
        dashboard.question_gain,
        dashboard.evaluation_summary,
        dashboard.poll_by_round,
        dashboard.poll_by_profession,
        dashboard.votes_over_time,
        dashboard.deidentified_rows,
    ],
)
def test_each_view_runs_a_fixed_number_of_queries(engine, cohort, view):
    statements: list[str] = []

    def listener(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT"):  # not PostgreSQL's SET LOCAL
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        view(engine, MODULE, Filters())
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert 1 <= len(statements) <= 4  # whatever the number of participants


def test_a_module_without_quiz_evaluation_or_poll_gives_empty_views(engine, cohort):
    bare = MODULE.model_copy(update={"quiz": None, "evaluation": None, "poll": None})
    assert list(dashboard.funnel(engine, bare, Filters())["step"]) == [
        "attested",
        "opened article",
        "certificate",
    ]
    for view in (
        dashboard.score_distribution,
        dashboard.question_gain,
        dashboard.evaluation_summary,
        dashboard.poll_by_round,
        dashboard.poll_by_profession,
        dashboard.votes_over_time,
    ):
        assert view(engine, bare, Filters()).empty, view.__name__
    assert dashboard.commitment_to_change(engine, bare, Filters()) is None
    assert dashboard.deidentified_rows(engine, bare, Filters())["votes"].empty


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["a"] * 5 + ["b"] * 2 + ["c"] * 3, ["a"] * 5 + ["Fewer than 5 each: merged"] * 5),
        (["a"] * 6 + ["b"] * 5 + ["c"] * 1, ["a"] * 6 + ["Fewer than 5 each: merged"] * 6),
        (["a"] * 5 + [None] * 2, ["a"] * 5 + [None] * 2),
        (["a"] * 3, ["Fewer than 5 each: merged"] * 3),
    ],
)
def test_rare_professions_and_countries_merge_in_the_row_export(values, expected):
    from rounds.store.analytics.export import merge_small_groups

    merged = merge_small_groups(pd.Series(values, dtype=object))
    assert merged.where(merged.notna(), None).tolist() == expected
