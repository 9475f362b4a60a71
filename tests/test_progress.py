"""A learner's progress through a module comes from their own stored rows, on each backend."""

from __future__ import annotations

from rounds.rules.lifecycle import PollState
from rounds.rules.progress import ARTICLE_OPENED, poll_id
from rounds.store.evaluation import save_evaluation
from rounds.store.events import record_event
from rounds.store.polls import reset, set_state
from rounds.store.standing import load_progress, standing
from rounds.store.votes import record_vote
from tests.test_quiz import MODULE, QUIZ, RIGHT, learner, take, wrong_option

ALL_WRONG = {q.key: wrong_option(q) for q in QUIZ.questions}


def test_a_new_learner_has_done_nothing_yet(engine):
    progress = load_progress(engine, learner(engine), MODULE)
    assert [done for _, done in progress.steps()] == [True, False, False, False, False]
    assert progress.best_post is None and not progress.pre_done and not progress.complete


def test_each_step_counts_once_it_is_stored_and_only_for_its_learner(engine):
    me, other = learner(engine), learner(engine)
    take(engine, other, "post", RIGHT)  # another learner's rows never count for me
    save_evaluation(engine, MODULE.slug, other, {MODULE.evaluation.statements[0].key: 5})

    record_event(engine, me, MODULE.slug, ARTICLE_OPENED)
    take(engine, me, "pre", ALL_WRONG)
    take(engine, me, "post", ALL_WRONG)
    progress = load_progress(engine, me, MODULE)
    assert progress.read_article and progress.pre_done
    assert progress.best_post.correct == 0 and not progress.passed

    take(engine, me, "post", RIGHT)
    save_evaluation(engine, MODULE.slug, me, {MODULE.evaluation.statements[0].key: None})
    record_vote(engine, poll_id(MODULE), me, MODULE.poll.options[0].key)
    progress = load_progress(engine, me, MODULE)
    assert progress.best_post.correct == len(QUIZ.questions) and progress.passed
    assert progress.evaluated and progress.voted and progress.complete
    assert load_progress(engine, other, MODULE).voted is False


def test_votes_are_read_per_round_with_the_progress(engine):
    me = learner(engine)
    first, second = MODULE.poll.options[0].key, MODULE.poll.options[1].key
    record_vote(engine, poll_id(MODULE), me, first)
    record_vote(engine, poll_id(MODULE), me, second)  # changed in the same round: one vote
    assert load_progress(engine, me, MODULE).stored.votes == {1: second}
    reset(engine, poll_id(MODULE))  # round 2 starts as a draft: the round-1 vote still counts
    assert load_progress(engine, me, MODULE).voted
    set_state(engine, poll_id(MODULE), PollState.open)
    record_vote(engine, poll_id(MODULE), me, first)
    assert load_progress(engine, me, MODULE).stored.votes == {1: second, 2: first}


def test_scores_are_every_finished_attempt_in_order(engine):
    me = learner(engine)
    take(engine, me, "post", ALL_WRONG)
    take(engine, me, "post", RIGHT)
    take(engine, me, "pre", RIGHT)
    facts = standing(engine, me, MODULE.slug, poll_id(MODULE))
    assert facts.scores("pre") == [len(QUIZ.questions)]
    assert facts.scores("post") == [0, len(QUIZ.questions)]
    assert [a.phase for a in facts.attempts] == ["post", "post", "pre"]
    assert facts.latest("post") == facts.attempts[1] and facts.latest("post").finished
