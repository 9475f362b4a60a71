"""How far learners get and what they learn: the funnel, score spreads and per-question gain."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, and_, case, distinct, func, select

from rounds.content.schema import Module
from rounds.dashboard.filters import (
    EVERYTHING,
    Filters,
    counted,
    counted_votes,
    finished_attempts,
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


def attempt_scores(module: Module, phase: str, filters: Filters):
    """Select (participant_id, attempt_id, correct) for each counted, finished attempt.

    Only answers to questions still in the module's quiz count towards `correct`.
    """
    keys = [q.key for q in module.quiz.questions]
    right = and_(
        quiz_answers.c.attempt_id == quiz_attempts.c.id,
        quiz_answers.c.is_correct,
        quiz_answers.c.question_key.in_(keys),
    )
    return (
        select(
            quiz_attempts.c.participant_id,
            quiz_attempts.c.id.label("attempt_id"),
            func.count(quiz_answers.c.attempt_id).label("correct"),
        )
        .select_from(quiz_attempts.outerjoin(quiz_answers, right))
        .where(*finished_attempts(module, phase, filters))
        .group_by(quiz_attempts.c.participant_id, quiz_attempts.c.id)
    )


def correct_needed(module: Module) -> int:
    """Return the fewest correct answers that reach the module's pass mark."""
    total = len(module.quiz.questions)
    return next(c for c in range(total + 1) if is_passing(Score(c, total), module.quiz.pass_mark))


def _event_count(module: Module, kind: str, filters: Filters):
    return select(func.count(distinct(events.c.participant_id))).where(
        events.c.module == module.slug,
        events.c.kind == kind,
        within(events.c.at, filters),
        counted(events.c.participant_id, filters),
    )


def _step_counts(module: Module, filters: Filters) -> list[tuple[str, object]]:
    """Return (step, a SELECT of its participant count) for the steps this module has."""
    steps = [
        (
            "attested",
            select(func.count(distinct(attestations.c.participant_id))).where(
                within(attestations.c.attested_at, filters),
                counted(attestations.c.participant_id, filters),
            ),
        ),
        ("opened article", _event_count(module, ARTICLE_OPENED, filters)),
    ]
    if module.quiz:
        for step, phase in (("pre-test", "pre"), ("post-test", "post")):
            steps.append(
                (
                    step,
                    select(func.count(distinct(quiz_attempts.c.participant_id))).where(
                        *finished_attempts(module, phase, filters)
                    ),
                )
            )
        scores = attempt_scores(module, "post", filters).subquery()
        steps.append(
            (
                "passed",
                select(func.count(distinct(scores.c.participant_id))).where(
                    scores.c.correct >= correct_needed(module)
                ),
            )
        )
    if module.evaluation:
        steps.append(
            (
                "evaluated",
                select(func.count(distinct(evaluation_answers.c.participant_id))).where(
                    evaluation_answers.c.module == module.slug,
                    within(evaluation_answers.c.answered_at, filters),
                    counted(evaluation_answers.c.participant_id, filters),
                ),
            )
        )
    if module.poll:
        steps.append(
            (
                "voted",
                select(func.count(distinct(votes_table.c.participant_id))).where(
                    *counted_votes(module, filters)
                ),
            )
        )
    steps.append(("certificate", _event_count(module, COMPLETED, filters)))
    return steps


def funnel(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Count the participants who reached each step, with the conversion from the step before.

    Each step is counted on its own, not only among those who reached the previous one (the
    pre-test is optional, and the evaluation and the poll may be done before the post-test),
    so a conversion can exceed 100 %. "attested" counts everyone who attested in the range,
    whatever the module: attestations are site-wide. Steps the module lacks (no quiz, no
    evaluation, no poll) are left out. `conversion_pct` is None for the first step and after
    a step nobody reached.
    """
    steps = _step_counts(module, filters)
    query = select(*(count.scalar_subquery().label(f"s{i}") for i, (_, count) in enumerate(steps)))
    with engine.connect() as conn:
        counts = [int(n or 0) for n in conn.execute(query).one()]
    rows, previous = [], None
    for (step, _), n in zip(steps, counts, strict=True):
        conversion = round(100 * n / previous, 1) if previous else None
        rows.append({"step": step, "participants": n, "conversion_pct": conversion})
        previous = n
    return with_none(pd.DataFrame(rows, columns=FUNNEL_COLUMNS), "conversion_pct")


def score_distribution(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> pd.DataFrame:
    """Count participants per score: their first finished pre-test and best finished post-test.

    Every possible score appears, with 0 where nobody had it; pre rows come before post rows.
    """
    if module.quiz is None:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    total = len(module.quiz.questions)
    pre = attempt_scores(module, "pre", filters).subquery()
    first = select(func.min(pre.c.attempt_id)).group_by(pre.c.participant_id).scalar_subquery()
    first_pre = (
        select(pre.c.correct, func.count())
        .where(pre.c.attempt_id.in_(first))
        .group_by(pre.c.correct)
    )
    post = attempt_scores(module, "post", filters).subquery()
    best = select(func.max(post.c.correct).label("best")).group_by(post.c.participant_id)
    best = best.subquery()
    best_post = select(best.c.best, func.count()).group_by(best.c.best)
    with engine.connect() as conn:
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
    keys = [q.key for q in module.quiz.questions]
    right = func.sum(case((quiz_answers.c.is_correct, 1), else_=0))
    query = (
        select(quiz_attempts.c.phase, quiz_answers.c.question_key, func.count(), right)
        .select_from(
            quiz_answers.join(quiz_attempts, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        )
        .where(
            quiz_attempts.c.module == module.slug,
            quiz_attempts.c.phase.in_(["pre", "post"]),
            quiz_attempts.c.finished_at.is_not(None),
            within(quiz_attempts.c.finished_at, filters),
            counted(quiz_attempts.c.participant_id, filters),
            quiz_answers.c.question_key.in_(keys),
        )
        .group_by(quiz_attempts.c.phase, quiz_answers.c.question_key)
    )
    with engine.connect() as conn:
        found = {(phase, key): (int(n), int(r)) for phase, key, n, r in conn.execute(query)}
    rows = []
    for question in module.quiz.questions:
        pre_n, pre_right = found.get(("pre", question.key), (0, 0))
        post_n, post_right = found.get(("post", question.key), (0, 0))
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
