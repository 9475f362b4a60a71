"""Self-assessment rules and their storage: scoring, pass mark, shuffling, peers, attempts."""

from __future__ import annotations

import pytest

from rounds.content.loader import load_catalog
from rounds.rules.quiz import (
    MIN_PEERS,
    Score,
    Screen,
    best,
    is_passing,
    is_valid_answer,
    mean_percent,
    post_screen,
    score,
    shuffled_options,
)
from rounds.store import quiz as store
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.standing import standing
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
QUIZ = MODULE.quiz
RIGHT = {q.key: q.correct for q in QUIZ.questions}


def wrong_option(question) -> str:
    return next(o.key for o in question.options if o.key != question.correct)


def test_score_counts_correct_answers():
    assert score(QUIZ, RIGHT) == Score(len(QUIZ.questions), len(QUIZ.questions))
    one_wrong = dict(RIGHT, **{QUIZ.questions[0].key: wrong_option(QUIZ.questions[0])})
    assert score(QUIZ, one_wrong).correct == len(QUIZ.questions) - 1
    assert score(QUIZ, {}).correct == 0


@pytest.mark.parametrize(
    ("correct", "total", "passes"),
    [(3, 4, True), (2, 4, False), (7, 10, True), (6, 10, False), (4, 4, True), (0, 4, False)],
)
def test_pass_mark_of_seventy_percent(correct, total, passes):
    assert is_passing(Score(correct, total), 0.7) is passes


def test_shuffling_keeps_keys_and_is_stable_per_attempt_seed():
    question = QUIZ.questions[0]
    first = shuffled_options(question, 1234)
    assert sorted(o.key for o in first) == sorted(o.key for o in question.options)
    assert shuffled_options(question, 1234) == first
    orders = {tuple(o.key for o in shuffled_options(question, seed)) for seed in range(40)}
    assert len(orders) > 1


def test_only_real_question_option_pairs_are_valid():
    question = QUIZ.questions[0]
    assert is_valid_answer(QUIZ, question.key, question.correct)
    assert not is_valid_answer(QUIZ, question.key, "made_up")
    assert not is_valid_answer(QUIZ, "no_such_question", question.correct)


KEYS = ["q1", "q2", "q3", "q4"]


def test_the_screen_is_the_first_question_not_answered_in_the_quizs_order():
    assert post_screen(KEYS, {}, None, False) == Screen("question", 0, 4)
    assert post_screen(KEYS, {"q1": "a"}, None, False) == Screen("question", 1, 4)
    assert post_screen(KEYS, {"q1": "a"}, None, False).number == 2  # "Question 2 of 4"
    # Answered out of order (another tab, an older version): the gap comes first.
    assert post_screen(KEYS, {"q1": "a", "q3": "b"}, None, False) == Screen("question", 1, 4)


def test_a_checked_answer_keeps_its_feedback_until_next():
    assert post_screen(KEYS, {"q1": "a"}, "q1", False) == Screen("feedback", 0, 4)
    every = dict.fromkeys(KEYS, "a")
    assert post_screen(KEYS, every, "q4", True) == Screen("feedback", 3, 4)  # then the result
    assert post_screen(KEYS, every, None, True).kind == "result"
    # Feedback only for a stored answer to a question of this quiz: a stale or foreign key is
    # ignored and the first unanswered question shows.
    assert post_screen(KEYS, {"q1": "a"}, "q2", False) == Screen("question", 1, 4)
    assert post_screen(KEYS, {"q1": "a"}, "gone", False) == Screen("question", 1, 4)


def test_the_end_of_an_attempt_comes_from_its_stored_finish():
    every = dict.fromkeys(KEYS, "a")
    assert post_screen(KEYS, every, None, False).kind == "unfinished"  # a finish never written
    assert post_screen([*KEYS, "q5"], every, None, True).kind == "result"  # a question added


def test_peer_average_is_hidden_under_five_peers():
    assert mean_percent(MIN_PEERS - 1, 4 * (MIN_PEERS - 1), 4) is None
    assert mean_percent(5, 15, 4) == 75
    assert best([Score(1, 4), Score(3, 4), Score(2, 4)]) == Score(3, 4)
    assert best([]) is None


def learner(engine) -> str:
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    return pid


def take(engine, pid, phase: str, answers: dict[str, str]) -> None:
    attempt = store.start_attempt(engine, pid, MODULE.slug, phase)
    for question in QUIZ.questions:
        option = answers[question.key]
        store.record_answer(engine, attempt.id, question.key, option, option == question.correct)
    store.finish_attempt(engine, attempt.id)


def test_every_attempt_is_stored_and_the_first_answer_to_a_question_stands(engine):
    pid = learner(engine)
    attempt = store.start_attempt(engine, pid, MODULE.slug, "post")
    question = QUIZ.questions[0]
    store.record_answer(engine, attempt.id, question.key, question.correct, True)
    store.record_answer(engine, attempt.id, question.key, wrong_option(question), False)
    assert store.answers_of(engine, attempt.id) == {question.key: question.correct}
    assert store.latest_attempt(engine, pid, MODULE.slug, "post").finished is False
    assert standing(engine, pid, MODULE.slug, "").scores("post") == []

    all_wrong = {q.key: wrong_option(q) for q in QUIZ.questions}
    take(engine, pid, "post", all_wrong)
    take(engine, pid, "post", RIGHT)
    assert standing(engine, pid, MODULE.slug, "").scores("post") == [0, len(QUIZ.questions)]


def test_best_score_totals_count_each_participants_best_finished_attempt_once(engine):
    me = learner(engine)
    take(engine, me, "post", RIGHT)
    all_wrong = {q.key: wrong_option(q) for q in QUIZ.questions}
    peers = [learner(engine) for _ in range(3)]
    for peer in peers:
        take(engine, peer, "post", all_wrong)
    take(engine, peers[0], "post", RIGHT)
    take(engine, peers[1], "pre", RIGHT)  # a pre-test does not count
    unfinished = store.start_attempt(engine, learner(engine), MODULE.slug, "post")
    store.record_answer(
        engine, unfinished.id, QUIZ.questions[0].key, RIGHT[QUIZ.questions[0].key], True
    )
    # me (all right), peers 0 (all wrong, then all right), 1 and 2 (all wrong); the pre-test and
    # the unfinished attempt do not count
    assert store.best_score_totals(engine, MODULE.slug, "post") == (4, 2 * len(QUIZ.questions))


def test_the_last_answer_and_the_finish_are_one_write(engine, monkeypatch):
    """A database failing between the answer and the finish left an answered, unfinished attempt
    whose page then raised IndexError on every visit: now both happen, or neither."""
    pid = learner(engine)
    attempt = store.start_attempt(engine, pid, MODULE.slug, "post")
    questions, total = QUIZ.questions, len(QUIZ.questions)
    for question in questions[:-1]:
        assert not store.answer(engine, attempt.id, question.key, question.correct, True, total)
    last = questions[-1]

    def fails(_answers):
        raise RuntimeError("the database went away between the two steps")

    monkeypatch.setattr(store, "stored_result", fails)
    with pytest.raises(RuntimeError):
        store.answer(engine, attempt.id, last.key, last.correct, True, total)
    assert last.key not in store.answers_of(engine, attempt.id)  # rolled back with the finish
    assert not store.latest_attempt(engine, pid, MODULE.slug, "post").finished
    monkeypatch.undo()
    assert store.answer(engine, attempt.id, last.key, last.correct, True, total)
    assert standing(engine, pid, MODULE.slug, "").scores("post") == [total]


def test_a_whole_pretest_is_stored_at_once_or_not_at_all(engine, monkeypatch):
    pid = learner(engine)
    answers = {q.key: (q.correct, True) for q in QUIZ.questions}
    monkeypatch.setattr(store, "stored_result", lambda _answers: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        store.take_whole(engine, pid, MODULE.slug, "pre", answers)
    assert store.latest_attempt(engine, pid, MODULE.slug, "pre") is None
    monkeypatch.undo()
    store.take_whole(engine, pid, MODULE.slug, "pre", answers)
    assert standing(engine, pid, MODULE.slug, "").scores("pre") == [len(QUIZ.questions)]
