"""A small cohort whose dashboard numbers are computed by hand (fixtures for the tests).

Seven real learners (A-G) and one simulated one (H) go through the module on two days; a
rehearsal round adds ten simulated voters. Every expected number in the tests that use
`cohort` is worked out from this story, not from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import update

from rounds import dashboard
from rounds.content.loader import load_catalog, load_site
from rounds.dashboard import Filters
from rounds.rules.lifecycle import PollState
from rounds.rules.progress import ARTICLE_OPENED, COMPLETED, poll_id
from rounds.store import evaluation, events, participants, polls, quiz, votes
from rounds.store.tables import participants as participants_table
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
SLUG = MODULE.slug
POLL = poll_id(MODULE)
QUESTIONS = MODULE.quiz.questions
STATEMENTS = ["clear", "objectives", "relevant", "free_of_bias", "change_practice"]
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


def install_clock(monkeypatch) -> Clock:
    """Make every store module read the time from a `Clock`; return it."""
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
                        ("post", ALL, True)], [5, 4, 4, 4, 3], True),
    "B": ("physician", [("pre", {1, 2}, True), ("post", {1, 2, 4}, True)], [4, 4, 3, 4, 4], True),
    "C": ("physician", [("pre", set(), True), ("post", ALL, True)], [5, 5, 5, 5, 2], True),
    "D": ("nurse", [("post", {3, 4}, True)], [2, 3, None, 3, 2], False),
    "E": ("nurse", [("pre", {1, 3}, True), ("post", ALL, False)], None, False),
    "H": ("nurse", [("pre", ALL, True), ("post", ALL, True)], [1, 1, 1, 1, 1], True),
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


def store_cohort(engine, clock: Clock) -> dict[str, str]:
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
    vote(engine, clock, VOTE1 + 5 * second, ids["A"], "use_for_most_eligible")
    vote(engine, clock, VOTE1 + 10 * second, ids["H"], "not_my_decision")
    vote(engine, clock, VOTE1 + 20 * second, ids["B"], "use_for_most_eligible")
    vote(engine, clock, VOTE1 + 65 * second, ids["C"], "use_for_some_eligible")
    vote(engine, clock, VOTE1 + 70 * second, ids["D"], "would_not_use")
    vote(engine, clock, VOTE1 + 130 * second, ids["E"], "not_my_decision")
    vote(
        engine, clock, VOTE1 + 200 * second, ids["B"], "use_for_some_eligible"
    )  # B changes their mind

    clock.now = DAY2
    learn(engine, ids["F"], "pharmacist", [("pre", ALL, True), ("post", ALL, True)], [4] * 5, True)
    participants.record_attestation(engine, ids["G"], "v1", "physician", None)
    events.record_event(engine, ids["G"], SLUG, ARTICLE_OPENED)
    polls.reset(engine, POLL)
    polls.set_state(engine, POLL, PollState.open)
    vote(engine, clock, VOTE2, ids["F"], "use_for_most_eligible")
    vote(engine, clock, VOTE2 + 30 * second, ids["G"], "unsure")
    vote(engine, clock, VOTE2 + 45 * second, ids["A"], "would_not_use")

    clock.now = REHEARSAL
    polls.simulate_round(engine, POLL, OPTIONS, list(LABELS), voters=SIMULATED_VOTERS, seed=7)
    return ids


def rows(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def funnel_counts(engine, filters: Filters) -> list[tuple]:
    return rows(dashboard.funnel(engine, MODULE, filters), "step", "participants", "conversion_pct")


def funnel_shares(engine, filters: Filters) -> list[tuple]:
    return rows(dashboard.funnel(engine, MODULE, filters), "step", "pct_of_attested", "from_step")
