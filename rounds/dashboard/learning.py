"""How far learners get and what they learn: the funnel, score spreads and per-question gain."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, Engine, and_, case, func, select

from rounds.content.schema import Module
from rounds.dashboard.filters import (
    EVERYTHING,
    Filters,
    counted,
    counted_votes,
    finished_attempts,
    reading,
    within,
)
from rounds.progress import ARTICLE_OPENED, COMPLETED
from rounds.quiz import Score, is_passing
from rounds.store.tables import (
    attestations,
    evaluation_answers,
    events,
    quiz_answers,
    quiz_attempts,
)
from rounds.store.tables import votes as votes_table

FUNNEL_STEPS = [
    "attested",
    "opened article",
    "pre-test",
    "post-test",
    "passed",
    "evaluated",
    "voted",
    "certificate",
]
FUNNEL_COLUMNS = ["step", "participants", "conversion_pct"]
SCORE_COLUMNS = ["phase", "score_pct", "participants"]
GAIN_COLUMNS = [
    "question_key",
    "prompt",
    "pre_pct_correct",
    "post_pct_correct",
    "gain_pct_points",
    "pre_n",
    "post_n",
]


def with_none(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """Keep missing values in `columns` as None (pandas would turn them into NaN)."""
    for column in columns:
        frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    return frame


def attempt_scores(module: Module, phase: str, filters: Filters, *extra: ColumnElement[bool]):
    """Select (participant_id, attempt_id, correct) for each counted, finished attempt.

    Only answers to questions still in the module's quiz count towards `correct`.
    """
    keys = [q.key for q in module.quiz.questions]
    right = case(
        (and_(quiz_answers.c.is_correct, quiz_answers.c.question_key.in_(keys)), 1), else_=0
    )
    return (
        select(
            quiz_attempts.c.participant_id,
            quiz_attempts.c.id.label("attempt_id"),
            func.sum(right).label("correct"),
        )
        .select_from(
            quiz_attempts.outerjoin(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        )
        .where(*finished_attempts(module, phase, filters), *extra)
        .group_by(quiz_attempts.c.id)  # the participant follows from the attempt's primary key
    )


def best_scores(module: Module, phase: str, filters: Filters):
    """Select (participant_id, best) over each participant's counted, finished attempts."""
    scores = attempt_scores(module, phase, filters).subquery()
    return (
        select(scores.c.participant_id, func.max(scores.c.correct).label("best"))
        .group_by(scores.c.participant_id)
        .subquery()
    )


def correct_needed(module: Module) -> int:
    """Return the fewest correct answers that reach the module's pass mark."""
    total = len(module.quiz.questions)
    return next(c for c in range(total + 1) if is_passing(Score(c, total), module.quiz.pass_mark))


def _how_many(participant_id, *conditions: ColumnElement[bool]):
    """Return a scalar subquery counting the distinct participants of the matching rows."""
    ids = select(participant_id).where(*conditions).group_by(participant_id).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _counted_steps(module: Module, filters: Filters) -> dict[str, object]:
    """Return {step: scalar count} for the steps that need no quiz score, in funnel order."""

    def event(kind: str):
        return _how_many(
            events.c.participant_id,
            events.c.module == module.slug,
            events.c.kind == kind,
            within(events.c.at, filters),
            counted(events.c.participant_id, filters),
        )

    steps = {
        "attested": _how_many(
            attestations.c.participant_id,
            within(attestations.c.attested_at, filters),
            counted(attestations.c.participant_id, filters),
        ),
        "opened article": event(ARTICLE_OPENED),
    }
    if module.quiz:
        steps["pre-test"] = _how_many(
            quiz_attempts.c.participant_id, *finished_attempts(module, "pre", filters)
        )
    if module.evaluation:
        steps["evaluated"] = _how_many(
            evaluation_answers.c.participant_id,
            evaluation_answers.c.module == module.slug,
            within(evaluation_answers.c.answered_at, filters),
            counted(evaluation_answers.c.participant_id, filters),
        )
    if module.poll:
        steps["voted"] = _how_many(votes_table.c.participant_id, *counted_votes(module, filters))
    steps["certificate"] = event(COMPLETED)
    return steps


def funnel(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Count the participants who reached each step, with the conversion from the step before.

    Each step is counted on its own, not only among those who reached the previous one (the
    pre-test is optional, and the evaluation and the poll may be done before the post-test),
    so a conversion can exceed 100 %. "attested" counts everyone who attested in the range,
    whatever the module: attestations are site-wide. "passed" counts those whose best post-test
    in the range reaches the pass mark. Steps the module lacks (no quiz, no evaluation, no
    poll) are left out. `conversion_pct` is None for the first step and after a step nobody
    reached.
    """
    counts = _counted_steps(module, filters)
    with reading(engine) as conn:
        found = dict(zip(counts, conn.execute(select(*counts.values())).one(), strict=True))
        if module.quiz:
            best = best_scores(module, "post", filters)
            passed = func.sum(case((best.c.best >= correct_needed(module), 1), else_=0))
            found["post-test"], found["passed"] = conn.execute(
                select(func.count(), passed).select_from(best)
            ).one()
    rows, previous = [], None
    for step in FUNNEL_STEPS:
        if step not in found:
            continue
        n = int(found[step] or 0)
        conversion = round(100 * n / previous, 1) if previous else None
        rows.append({"step": step, "participants": n, "conversion_pct": conversion})
        previous = n
    return with_none(pd.DataFrame(rows, columns=FUNNEL_COLUMNS), "conversion_pct")


def score_distribution(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> pd.DataFrame:
    """Count participants per score: their first finished pre-test and best finished post-test.

    Only attempts finished in the range count (so "first" and "best" are within it). Every
    possible score appears, with 0 where nobody had it; pre rows come before post rows.
    """
    if module.quiz is None:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    total = len(module.quiz.questions)
    first_ids = (
        select(func.min(quiz_attempts.c.id))
        .where(*finished_attempts(module, "pre", filters))
        .group_by(quiz_attempts.c.participant_id)
    )
    first = attempt_scores(module, "pre", filters, quiz_attempts.c.id.in_(first_ids)).subquery()
    first_pre = select(first.c.correct, func.count()).group_by(first.c.correct)
    best = best_scores(module, "post", filters)
    best_post = select(best.c.best, func.count()).group_by(best.c.best)
    with reading(engine) as conn:
        found = {
            "pre": dict(conn.execute(first_pre).all()),
            "post": dict(conn.execute(best_post).all()),
        }
    rows = [
        {"phase": phase, "score_pct": Score(c, total).percent, "participants": per.get(c, 0)}
        for phase, per in found.items()
        for c in range(total + 1)
    ]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def question_gain(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Compare each question's share of correct answers before and after reading.

    Every answer in every finished attempt counts (a learner who retook the post-test counts
    once per attempt), so the figures describe answers given, not learners; unfinished
    attempts are left out. Percentages are rounded to one decimal, the gain is computed before
    rounding, and both are None where a phase has no answer. Questions keep the quiz's order.
    """
    if module.quiz is None:
        return pd.DataFrame(columns=GAIN_COLUMNS)

    def tally(*conditions: ColumnElement[bool]):
        return func.sum(case((and_(*conditions), 1), else_=0))

    in_pre, in_post = quiz_attempts.c.phase == "pre", quiz_attempts.c.phase == "post"
    right = quiz_answers.c.is_correct
    query = (  # one group per question, phases side by side: no sort on the phase
        select(
            quiz_answers.c.question_key,
            tally(in_pre),
            tally(in_pre, right),
            tally(in_post),
            tally(in_post, right),
        )
        .select_from(
            quiz_answers.join(quiz_attempts, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        )
        .where(
            quiz_attempts.c.module == module.slug,
            quiz_attempts.c.phase.in_(["pre", "post"]),
            quiz_attempts.c.finished_at.is_not(None),
            within(quiz_attempts.c.finished_at, filters),
            counted(quiz_attempts.c.participant_id, filters),
        )  # answers to questions no longer in the quiz are dropped below (faster than in SQL)
        .group_by(quiz_answers.c.question_key)
    )
    with reading(engine) as conn:
        found = {key: [int(n or 0) for n in counts] for key, *counts in conn.execute(query)}
    rows = []
    for question in module.quiz.questions:
        pre_n, pre_right, post_n, post_right = found.get(question.key, (0, 0, 0, 0))
        pre = 100 * pre_right / pre_n if pre_n else None
        post = 100 * post_right / post_n if post_n else None
        rows.append(
            {
                "question_key": question.key,
                "prompt": question.prompt,
                "pre_pct_correct": None if pre is None else round(pre, 1),
                "post_pct_correct": None if post is None else round(post, 1),
                "gain_pct_points": None if None in (pre, post) else round(post - pre, 1),
                "pre_n": pre_n,
                "post_n": post_n,
            }
        )
    frame = pd.DataFrame(rows, columns=GAIN_COLUMNS)
    return with_none(frame, "pre_pct_correct", "post_pct_correct", "gain_pct_points")
