"""How far learners get and what they learn: the funnel, score spreads and per-question gain."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Engine,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)

from rounds.content.schema import Module
from rounds.rules.progress import ARTICLE_OPENED, COMPLETED
from rounds.rules.quiz import Score, is_passing, question_set
from rounds.store.analytics.filters import (
    EVERYTHING,
    Filters,
    Who,
    counted_votes,
    everyone,
    finished_attempts,
    reading,
    tally,
    within,
)
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
# The only steps reached solely through another: passing needs a post-test, the certificate
# needs a pass. The others are not nested (the pre-test is optional; the evaluation and the
# poll can be done in any order), so a conversion between them would mean nothing.
NESTED = {"passed": "post-test", "certificate": "passed"}
FUNNEL_COLUMNS = ["step", "participants", "pct_of_attested", "conversion_pct", "from_step"]
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


def correct_needed(module: Module) -> int:
    """Return the fewest correct answers that reach the module's pass mark."""
    total = len(module.quiz.questions)
    return next(c for c in range(total + 1) if is_passing(Score(c, total), module.quiz.pass_mark))


def attempt_score(module: Module):
    """Return a finished attempt's number of correct answers to the quiz's questions.

    It was stored when the attempt finished, with a fingerprint of the questions answered.
    Where that differs from the quiz's own (a question since added or removed, or an attempt
    finished by an older version while a replica upgraded the schema), that attempt's answers
    are counted instead, only those to questions still in the quiz.
    """
    keys = [q.key for q in module.quiz.questions]
    counted = select(func.count()).where(
        quiz_answers.c.attempt_id == quiz_attempts.c.id,
        quiz_answers.c.is_correct,
        quiz_answers.c.question_key.in_(keys),
    )
    return case(
        (quiz_attempts.c.question_set == question_set(keys), quiz_attempts.c.correct),
        else_=counted.scalar_subquery(),
    )


def _how_many(participant_id, *conditions: ColumnElement[bool]):
    """Return a scalar subquery counting the distinct participants of the matching rows."""
    ids = select(participant_id).where(*conditions).group_by(participant_id).subquery()
    return select(func.count()).select_from(ids).scalar_subquery()


def _steps(module: Module, filters: Filters, who: Who) -> dict[str, object]:
    """Return {step: scalar count of `who`'s participants}, in funnel order."""

    def event(kind: str):
        return _how_many(
            events.c.participant_id,
            events.c.module == module.slug,
            events.c.kind == kind,
            within(events.c.at, filters),
            who(events.c.participant_id),
        )

    steps = {
        "attested": _how_many(
            attestations.c.participant_id,
            within(attestations.c.attested_at, filters),
            who(attestations.c.participant_id),
        ),
        "opened article": event(ARTICLE_OPENED),
    }
    if module.quiz:
        post = finished_attempts(module, "post", filters, who)
        steps["pre-test"] = _how_many(
            quiz_attempts.c.participant_id, *finished_attempts(module, "pre", filters, who)
        )
        steps["post-test"] = _how_many(quiz_attempts.c.participant_id, *post)
        steps["passed"] = _how_many(  # a best score at the mark: some attempt reached it
            quiz_attempts.c.participant_id, *post, attempt_score(module) >= correct_needed(module)
        )
    if module.evaluation:
        steps["evaluated"] = _how_many(
            evaluation_answers.c.participant_id,
            evaluation_answers.c.module == module.slug,
            within(evaluation_answers.c.answered_at, filters),
            who(evaluation_answers.c.participant_id),
        )
    if module.poll:
        steps["voted"] = _how_many(
            votes_table.c.participant_id, *counted_votes(module, filters, who)
        )
    steps["certificate"] = event(COMPLETED)
    return {step: steps[step] for step in FUNNEL_STEPS if step in steps}


def funnel(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Count the participants who reached each step, as a share of those who attested.

    Each step is counted on its own. "attested" counts everyone who attested in the range,
    whatever the module: attestations are site-wide. "passed" counts those whose best post-test
    in the range reaches the pass mark. `conversion_pct` is given only where a step can be
    reached solely through another (`NESTED`, named in `from_step`): passed from post-test,
    certificate from passed. Steps the module lacks (no quiz, no evaluation, no poll) are left
    out; percentages are None where their base is 0.
    """
    names = list(_steps(module, filters, everyone))
    with reading(engine) as conn:
        found = tally(
            conn, lambda who: select(*_steps(module, filters, who).values()), filters, keys=0
        )
    counts = dict(zip(names, found.get((), [0] * len(names)), strict=True))
    attested = counts.get("attested", 0)
    rows = []
    for step, n in counts.items():
        base = NESTED.get(step)
        before = counts.get(base) if base else None
        rows.append(
            {
                "step": step,
                "participants": n,
                "pct_of_attested": round(100 * n / attested, 1) if attested else None,
                "conversion_pct": round(100 * n / before, 1) if before else None,
                "from_step": base if before else None,
            }
        )
    frame = pd.DataFrame(rows, columns=FUNNEL_COLUMNS)
    return with_none(frame, "pct_of_attested", "conversion_pct", "from_step")


def _scores(module: Module, filters: Filters, who: Who):
    """Select (phase, number correct, participants): first finished pre-test, best post-test."""
    base = len(module.quiz.questions) + 1  # a score is 0..questions
    first = (  # the lowest id with its score in the last digit (base `base`): one pass
        select(
            (
                func.min(cast(quiz_attempts.c.id, BigInteger) * base + attempt_score(module)) % base
            ).label("score")
        )
        .where(*finished_attempts(module, "pre", filters, who))
        .group_by(quiz_attempts.c.participant_id)
        .subquery()
    )
    first_pre = select(literal("pre"), first.c.score, func.count()).group_by(first.c.score)
    best = (
        select(func.max(attempt_score(module)).label("score"))
        .where(*finished_attempts(module, "post", filters, who))
        .group_by(quiz_attempts.c.participant_id)
        .subquery()
    )
    best_post = select(literal("post"), best.c.score, func.count()).group_by(best.c.score)
    return union_all(first_pre, best_post)


def score_distribution(
    engine: Engine, module: Module, filters: Filters = EVERYTHING
) -> pd.DataFrame:
    """Count participants per score: their first finished pre-test and best finished post-test.

    Only attempts finished in the range count (so "first" and "best" are within it). Every
    possible score appears, with 0 where nobody had it; pre rows come before post rows. Only
    answers to questions still in the quiz count (see `attempt_score`).
    """
    if module.quiz is None:
        return pd.DataFrame(columns=SCORE_COLUMNS)
    total = len(module.quiz.questions)
    with reading(engine) as conn:
        found = tally(conn, lambda who: _scores(module, filters, who), filters, keys=2)
    rows = [
        {
            "phase": phase,
            "score_pct": Score(c, total).percent,
            "participants": found.get((phase, c), [0])[0],
        }
        for phase in ("pre", "post")
        for c in range(total + 1)
    ]
    return pd.DataFrame(rows, columns=SCORE_COLUMNS)


def _in_range(module: Module, filters: Filters, who: Who) -> list[ColumnElement[bool]]:
    """Return the conditions for `who`'s pre- and post-test attempts finished in the range."""
    return [
        quiz_attempts.c.module == module.slug,
        quiz_attempts.c.phase.in_(["pre", "post"]),
        quiz_attempts.c.finished_at.is_not(None),
        within(quiz_attempts.c.finished_at, filters),
        who(quiz_attempts.c.participant_id),
    ]


def _stored(module: Module, filters: Filters, who: Who):
    """Select (phase, correct mask, attempts) of the attempts that answered the quiz's questions.

    Their stored mask says which questions they got right (`rounds.rules.quiz.stored_result`).
    """
    keys = [q.key for q in module.quiz.questions]
    return (
        select(quiz_attempts.c.phase, quiz_attempts.c.correct_mask, func.count())
        .where(
            *_in_range(module, filters, who),
            quiz_attempts.c.question_set == question_set(keys),
            quiz_attempts.c.correct_mask.is_not(None),
        )
        .group_by(quiz_attempts.c.phase, quiz_attempts.c.correct_mask)
    )


def _unstored(module: Module, filters: Filters, who: Who):
    """Select (question, is_correct, answers, of which pre) from the other attempts' answers.

    Those attempts answered other questions than the quiz's (it has changed since), or were
    finished by an older version: their answers to the quiz's questions are read. The
    questions are tested inside the counts, not in WHERE, so that SQLite starts from the
    (usually no) attempts rather than from every answer to those questions.
    """
    keys = [q.key for q in module.quiz.questions]
    asked = quiz_answers.c.question_key.in_(keys)
    other = or_(
        quiz_attempts.c.question_set != question_set(keys),
        quiz_attempts.c.question_set.is_(None),
        quiz_attempts.c.correct_mask.is_(None),
    )
    return (
        select(
            quiz_answers.c.question_key,
            quiz_answers.c.is_correct,
            func.count(case((asked, 1))),
            func.count(case((and_(asked, quiz_attempts.c.phase == "pre"), 1))),
        )
        .select_from(
            quiz_attempts.join(quiz_answers, quiz_answers.c.attempt_id == quiz_attempts.c.id)
        )
        .where(*_in_range(module, filters, who), other)
        .group_by(quiz_answers.c.question_key, quiz_answers.c.is_correct)
    )


def question_gain(engine: Engine, module: Module, filters: Filters = EVERYTHING) -> pd.DataFrame:
    """Compare each question's share of correct answers before and after reading.

    Every answer in every finished attempt counts (a learner who retook the post-test counts
    once per attempt), so the figures describe answers given, not learners; unfinished
    attempts are left out. Percentages are rounded to one decimal, the gain is computed before
    rounding, and both are None where a phase has no answer. Questions keep the quiz's order.
    """
    if module.quiz is None:
        return pd.DataFrame(columns=GAIN_COLUMNS)
    with reading(engine) as conn:
        stored = tally(conn, lambda who: _stored(module, filters, who), filters, keys=2)
        unstored = tally(conn, lambda who: _unstored(module, filters, who), filters, keys=2)
    per = {q.key: [0, 0, 0, 0] for q in module.quiz.questions}  # answers, right: pre, post
    keys = sorted(per)  # the order of the mask's bits
    for (phase, mask), (n,) in stored.items():
        at = 0 if phase == "pre" else 2
        for bit, key in enumerate(keys):
            per[key][at] += n
            per[key][at + 1] += n if int(mask) >> bit & 1 else 0
    for (key, right), (n, pre) in unstored.items():
        counts = per[key]
        counts[0], counts[2] = counts[0] + pre, counts[2] + n - pre
        if right:
            counts[1], counts[3] = counts[1] + pre, counts[3] + n - pre
    rows = []
    for question in module.quiz.questions:
        pre_n, pre_right, post_n, post_right = per[question.key]
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
