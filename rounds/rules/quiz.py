"""Self-assessment rules: shuffling, scoring, the pass mark and the peer average."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from rounds.content.schema import Option, Question, Quiz

MIN_PEERS = 5  # fewer peers than this and their average is not shown


@dataclass(frozen=True)
class Score:
    """How many questions were answered correctly out of how many."""

    correct: int
    total: int

    @property
    def percent(self) -> int:
        """Return the score as a whole percentage."""
        return round(100 * self.correct / self.total) if self.total else 0


@dataclass(frozen=True)
class Screen:
    """What the after-reading test shows now: one question, its feedback, or the end.

    `kind` is "question" (answer it), "feedback" (its answer checked, a Next button below),
    "unfinished" (every answer stored but the attempt never finished) or "result".
    `index` is the question's place in the quiz (0-based) for the first two kinds.
    """

    kind: str
    index: int
    total: int

    @property
    def number(self) -> int:
        """Return the question's number as the learner reads it ("Question 2 of 4")."""
        return self.index + 1


def post_screen(
    question_keys: Sequence[str],
    answered: Collection[str],
    reviewing: str | None,
    finished: bool,
) -> Screen:
    """Return the screen to show, from the attempt's stored answers.

    `reviewing` is the question whose answer was just checked and whose feedback stays on the
    screen until Next: the only part not read from stored rows (a reload drops it and lands on
    the first unanswered question, or the result). Questions come in the quiz's order.
    """
    total = len(question_keys)
    if reviewing in answered and reviewing in question_keys:
        return Screen("feedback", list(question_keys).index(reviewing), total)
    if finished:  # a finished attempt is over, even if the quiz has gained a question since
        return Screen("result", total - 1, total)
    index = next((i for i, key in enumerate(question_keys) if key not in answered), None)
    if index is None:
        return Screen("unfinished", total - 1, total)
    return Screen("question", index, total)


def shuffled_options(question: Question, seed: int) -> list[Option]:
    """Return the question's options in this attempt's order (same seed, same order)."""
    options = list(question.options)
    random.Random(f"{seed}:{question.key}").shuffle(options)
    return options


def is_correct(question: Question, option_key: str) -> bool:
    """Tell whether an option is the question's correct answer."""
    return option_key == question.correct


def is_valid_answer(quiz: Quiz, question_key: str, option_key: str) -> bool:
    """Tell whether a (question, option) pair exists in this quiz."""
    question = next((q for q in quiz.questions if q.key == question_key), None)
    return question is not None and option_key in {o.key for o in question.options}


def score(quiz: Quiz, answers: dict[str, str]) -> Score:
    """Score a set of answers {question key: option key} against the quiz."""
    correct = sum(1 for q in quiz.questions if answers.get(q.key) == q.correct)
    return Score(correct, len(quiz.questions))


def question_fingerprint(keys: Iterable[str]) -> int:
    """Return a fingerprint of a set of question keys: the same set gives the same number.

    A finished attempt stores the fingerprint of the questions it answered; where it matches
    the quiz's, the attempt's stored number correct counts exactly the quiz's questions.
    """
    text = "\n".join(sorted(set(keys))).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big") >> 1


MASK_QUESTIONS = 63  # a quiz with more questions stores no `correct_mask`


def stored_result(answers: Iterable[tuple[str, bool]]) -> dict[str, int | None]:
    """Return what a finished attempt stores of its (question key, is correct) answers.

    `correct` is the number of right answers, `question_set` the fingerprint of the questions
    answered and `correct_mask` has bit i set when the i-th of them, in key order, was answered
    right (None beyond `MASK_QUESTIONS` questions).
    """
    right = dict(answers)
    keys = sorted(right)
    mask = sum(1 << i for i, key in enumerate(keys) if right[key])
    return {
        "correct": sum(1 for key in keys if right[key]),
        "question_set": question_fingerprint(keys),
        "correct_mask": mask if len(keys) <= MASK_QUESTIONS else None,
    }


def is_passing(result: Score, pass_mark: float) -> bool:
    """Tell whether a score reaches the pass mark (a fraction, e.g. 0.7)."""
    return result.total > 0 and result.correct >= pass_mark * result.total - 1e-9


def best(scores: list[Score]) -> Score | None:
    """Return the best of several attempts' scores, or None if there are none."""
    return max(scores, key=lambda s: s.correct, default=None)


def mean_percent(peers: int, correct: int, total: int) -> int | None:
    """Return the mean of `peers` best scores summing to `correct`, in percent of `total`.

    None while fewer than MIN_PEERS have finished (an average of one or two people's scores
    would tell theirs).
    """
    if peers < MIN_PEERS or total == 0:
        return None
    return round(100 * correct / (peers * total))
