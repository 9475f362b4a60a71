"""The educator dashboard's data, checked against a small cohort computed by hand.

Seven real learners (A-G) and one simulated one (H) go through the module on two days; a
rehearsal round adds ten simulated voters. Every expected number below is worked out from
the story in `cohort`, not from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import event, update

from rounds import dashboard
from rounds.content.loader import load_catalog, load_site
from rounds.dashboard import Filters
from rounds.lifecycle import PollState
from rounds.progress import ARTICLE_OPENED, COMPLETED, poll_id
from rounds.store import evaluation, events, participants, polls, quiz, votes
from rounds.store.tables import participants as participants_table
from rounds.store.tables import quiz_attempts
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
SLUG = MODULE.slug
POLL = poll_id(MODULE)
QUESTIONS = MODULE.quiz.questions
STATEMENTS = ["clear", "objectives", "relevant", "change_practice"]
OPTIONS = [o.key for o in MODULE.poll.options]
LABELS = dashboard.profession_labels(load_site(CONTENT)[0].gate)

UTC = dt.UTC
DAY1 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=UTC)  # day-1 learning
VOTE1 = dt.datetime(2025, 3, 1, 10, 0, tzinfo=UTC)  # day-1 meeting, round 1
DAY2 = dt.datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
VOTE2 = dt.datetime(2025, 3, 2, 10, 0, tzinfo=UTC)  # day-2 meeting, round 2
REHEARSAL = dt.datetime(2025, 3, 2, 11, 0, tzinfo=UTC)  # round 3, simulated
SIMULATED_VOTERS = 10


class Clock:
    """A settable stand-in for `utcnow` in every store module."""

    def __init__(self) -> None:
        self.now = DAY1

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    for module in (participants, quiz, evaluation, votes, events, polls):
        monkeypatch.setattr(module, "utcnow", fake)
    return fake


def sit(engine, pid: str, phase: str, right: set[int], finish: bool = True) -> None:
    """Answer every question (numbered from 1) rightly if its number is in `right`."""
    attempt = quiz.start_attempt(engine, pid, SLUG, phase)
    for number, question in enumerate(QUESTIONS, start=1):
        wrong = next(o.key for o in question.options if o.key != question.correct)
        option = question.correct if number in right else wrong
        quiz.record_answer(engine, attempt.id, question.key, option, option == question.correct)
    if finish:
        quiz.finish_attempt(engine, attempt.id)


ALL = {1, 2, 3, 4}
# who: (profession, [(phase, right answers, finished)], evaluation values, certificate)
DAY1_LEARNERS = {
    "A": ("physician", [("pre", {1}, True), ("pre", ALL, True), ("post", {1, 2}, True),
                        ("post", ALL, True)], [5, 4, 4, 3], True),
    "B": ("physician", [("pre", {1, 2}, True), ("post", {1, 2, 4}, True)], [4, 4, 3, 4], True),
    "C": ("physician", [("pre", set(), True), ("post", ALL, True)], [5, 5, 5, 2], True),
    "D": ("nurse", [("post", {3, 4}, True)], [2, 3, None, 2], False),
    "E": ("nurse", [("pre", {1, 3}, True), ("post", ALL, False)], None, False),
    "H": ("nurse", [("pre", ALL, True), ("post", ALL, True)], [1, 1, 1, 1], True),
}  # fmt: skip


def learn(engine, pid, profession, attempts, answers, certificate) -> None:
    participants.record_attestation(engine, pid, "v1", profession, "Spain")
    events.record_event(engine, pid, SLUG, ARTICLE_OPENED)
    for phase, right, finished in attempts:
        sit(engine, pid, phase, right, finished)
    if answers:
        evaluation.save_evaluation(engine, SLUG, pid, dict(zip(STATEMENTS, answers, strict=True)))
    if certificate:
        events.record_event(engine, pid, SLUG, COMPLETED)


def vote(engine, clock, at: dt.datetime, pid: str, option: str) -> None:
    clock.now = at
    votes.record_vote(engine, POLL, pid, option)


@pytest.fixture
def cohort(engine, clock) -> dict[str, str]:
    """Store the two days' story; return {letter: stored participant id}."""
    ids = {who: participants.new_participant_id() for who in "ABCDEFGH"}
    clock.now = DAY1
    for who, story in DAY1_LEARNERS.items():
        learn(engine, ids[who], *story)
    participants.record_attestation(engine, ids["G"], "v1", "pharmacist", None)
    with engine.begin() as conn:
        conn.execute(
            update(participants_table)
            .where(participants_table.c.id == ids["H"])
            .values(simulated=True)
        )
    second = dt.timedelta(seconds=1)
    vote(engine, clock, VOTE1 + 5 * second, ids["A"], "adopt_now")
    vote(engine, clock, VOTE1 + 10 * second, ids["H"], "not_applicable")
    vote(engine, clock, VOTE1 + 20 * second, ids["B"], "adopt_now")
    vote(engine, clock, VOTE1 + 65 * second, ids["C"], "adopt_selected")
    vote(engine, clock, VOTE1 + 70 * second, ids["D"], "await_data")
    vote(engine, clock, VOTE1 + 130 * second, ids["E"], "concerns")
    vote(engine, clock, VOTE1 + 200 * second, ids["B"], "adopt_selected")  # B changes their mind

    clock.now = DAY2
    learn(engine, ids["F"], "pharmacist", [("pre", ALL, True), ("post", ALL, True)], [4] * 4, True)
    participants.record_attestation(engine, ids["G"], "v1", "physician", None)
    events.record_event(engine, ids["G"], SLUG, ARTICLE_OPENED)
    polls.reset(engine, POLL)
    polls.set_state(engine, POLL, PollState.open)
    vote(engine, clock, VOTE2, ids["F"], "adopt_now")
    vote(engine, clock, VOTE2 + 30 * second, ids["G"], "unsure")
    vote(engine, clock, VOTE2 + 45 * second, ids["A"], "await_data")

    clock.now = REHEARSAL
    polls.simulate_round(engine, POLL, OPTIONS, list(LABELS), voters=SIMULATED_VOTERS, seed=7)
    return ids


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def funnel_counts(engine, filters: Filters) -> list[tuple]:
    return rows(dashboard.funnel(engine, MODULE, filters), "step", "participants", "conversion_pct")


def test_the_funnel_counts_each_step_with_its_conversion(engine, cohort):
    assert funnel_counts(engine, Filters()) == [
        ("attested", 7, None),
        ("opened article", 7, 100.0),
        ("pre-test", 5, 71.4),  # A B C E F
        ("post-test", 5, 100.0),  # A B C D F (E never finished)
        ("passed", 4, 80.0),  # best post of 3/4 or more: A B C F
        ("evaluated", 5, 125.0),
        ("voted", 7, 140.0),
        ("certificate", 4, 57.1),
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


def test_poll_by_round_shows_real_rounds_with_changed_votes(engine, cohort):
    frame = dashboard.poll_by_round(engine, MODULE, Filters())
    assert list(frame.columns) == ["round", "simulated", "archived", "option_key", "label",
                                   "count", "percent"]  # fmt: skip
    first, second = frame[frame["round"] == 1], frame[frame["round"] == 2]
    assert set(frame["round"]) == {1, 2}
    assert list(first["option_key"]) == OPTIONS
    assert list(first["count"]) == [1, 2, 1, 1, 0, 0]  # B's changed vote counts as changed
    assert list(first["percent"]) == [20.0, 40.0, 20.0, 20.0, 0.0, 0.0]
    assert list(second["count"]) == [1, 0, 1, 0, 0, 1]
    assert list(second["percent"]) == [33.3, 0.0, 33.3, 0.0, 0.0, 33.3]
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
    # Latest vote each: A await_data (round 2), B adopt_selected, C adopt_selected,
    # G unsure (physicians by their latest attestation); D await_data, E concerns (nurses);
    # F adopt_now (pharmacist).
    assert by_profession(engine, 5) == {
        "Other (groups under 5 merged)": (7, [1, 2, 2, 1, 0, 1]),
    }
    assert by_profession(engine, 3) == {
        "Physician": (4, [0, 2, 1, 0, 0, 1]),
        "Other (groups under 3 merged)": (3, [1, 0, 1, 1, 0, 0]),
    }
    # Left out, the other 3 would be the total less the physicians: the physicians join them.
    assert by_profession(engine, 4) == {"Other (groups under 4 merged)": (7, [1, 2, 2, 1, 0, 1])}
    assert by_profession(engine, 2) == {
        "Physician": (4, [0, 2, 1, 0, 0, 1]),
        "Other (groups under 2 merged)": (3, [1, 0, 1, 1, 0, 0]),
    }  # the lone pharmacist is neither shown alone nor left out: the nurses join them
    assert by_profession(engine, 8) == {}
    assert by_profession(engine, 1, Filters(round=1)) == {
        "Physician": (3, [1, 2, 0, 0, 0, 0]),
        "Nurse": (2, [0, 0, 1, 1, 0, 0]),
    }
    frame = dashboard.poll_by_profession(engine, MODULE, Filters(), min_group=3, labels=LABELS)
    physicians = frame[frame["profession"] == "Physician"]
    assert list(physicians["percent"]) == [0.0, 50.0, 25.0, 0.0, 0.0, 25.0]


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


def test_deidentified_rows_use_export_pseudonyms_consistently(engine, cohort):
    frames = dashboard.deidentified_rows(engine, MODULE, Filters())
    people = frames["participants"]
    assert list(people.columns) == ["participant_id", "profession", "country", "attested_at"]
    assert len(people) == 7 and people["participant_id"].is_unique
    assert people["profession"].value_counts().to_dict() == {
        "physician": 4,
        "nurse": 2,
        "pharmacist": 1,
    }
    stored = set(cohort.values())
    for name, frame in frames.items():
        assert set(frame["participant_id"]) <= set(people["participant_id"]), name
        assert not stored & set(frame.astype(str).to_numpy().ravel()), name
    answers = frames["quiz_answers"]
    assert answers["phase"].value_counts().to_dict() == {"pre": 24, "post": 24}
    assert int(answers["is_correct"].sum()) == (1 + 4 + 2 + 0 + 2 + 4) + (2 + 4 + 3 + 4 + 2 + 4)
    assert len(frames["evaluation"]) == 20 and frames["evaluation"]["value"].isna().sum() == 1
    cast = frames["votes"]
    assert cast["round"].value_counts().to_dict() == {1: 5, 2: 3}
    g = cast.loc[cast["option_key"] == "unsure", "participant_id"].item()
    g_row = people.set_index("participant_id").loc[g]
    assert (g_row["profession"], g_row["attested_at"]) == ("physician", pd.Timestamp(DAY2))
    b = cast.loc[(cast["round"] == 1) & (cast["option_key"] == "adopt_selected"), "created_at"]
    assert sorted(b) == [pd.Timestamp(VOTE1 + dt.timedelta(seconds=s)) for s in (20, 65)]

    day2 = dashboard.deidentified_rows(engine, MODULE, Filters(since=DAY2))
    assert [
        len(day2[name]) for name in ("participants", "quiz_answers", "evaluation", "votes")
    ] == [
        3,  # F, G and A (A's round-2 vote)
        8,
        4,
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
