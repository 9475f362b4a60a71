"""Self-assessment widgets: the pre-test form, and the post-test with immediate feedback."""

from __future__ import annotations

import logging

import streamlit as st

from rounds import resources
from rounds.content.article import reference_links
from rounds.content.schema import Module, Question
from rounds.rules.quiz import (
    Score,
    Screen,
    best,
    is_correct,
    is_passing,
    is_valid_answer,
    mean_percent,
    post_screen,
)
from rounds.rules.quiz import shuffled_options as shuffled
from rounds.store import quiz as store
from rounds.store.engine import utcnow
from rounds.store.quiz import Attempt
from rounds.store.standing import Standing
from rounds.ui.focus_component import focus_heading
from rounds.ui.outage import guarded_write
from rounds.ui.shared import Shared
from rounds.ui.tracking import participant, record

log = logging.getLogger(__name__)


def _answer_key(attempt_id: int, question: Question) -> str:
    return f"quiz_{attempt_id}_{question.key}"


def _reference(module: Module, key: str) -> str:
    ref = next(r for r in module.references if r.key == key)
    return (
        f"\\[{module.reference_number(key)}\\] {ref.text.strip()} {reference_links(ref)}".rstrip()
    )


# --- pre-test ----------------------------------------------------------------------------------


@guarded_write("pre_error", "Your answers")
def _submit_pretest(module: Module) -> None:
    engine, pid = resources.engine(), participant()
    if store.latest_attempt(engine, pid, module.slug, "pre"):
        return  # a double click, or a second tab: the pre-test is taken once
    chosen = {q.key: st.session_state.get(f"pre_{q.key}") for q in module.quiz.questions}
    if any(v is None for v in chosen.values()):
        st.session_state["pre_error"] = "Please answer every question (a guess is fine)."
        return
    if not all(is_valid_answer(module.quiz, key, v) for key, v in chosen.items()):
        log.warning("pre-test of %s: refused answers off the options: %.200r", module.slug, chosen)
        st.session_state["pre_error"] = "That answer is not one of the options."
        return  # checked before anything is written: no attempt is stored half-way
    answers = {q.key: (chosen[q.key], is_correct(q, chosen[q.key])) for q in module.quiz.questions}
    store.take_whole(engine, pid, module.slug, "pre", answers)  # one transaction
    record(module.slug, "pre_finished")
    st.session_state.pop("pre_error", None)


def draw_pretest(module: Module, stored: Standing) -> None:
    """Draw the optional before-reading test (answers stored, no feedback shown).

    `stored` is the learner's rows, read with their progress at the top of the page.
    """
    pid = participant()
    if stored.latest("pre"):
        st.success("Your before-reading answers are saved. Now read the article.")
        return
    st.write("Answer before you read; you will see how you did after the post-test.")
    with st.form("pre_form"):
        seed = int(pid[:8], 16)  # stable for this participant
        for n, question in enumerate(module.quiz.questions, 1):
            labels = {o.key: o.text for o in shuffled(question, seed)}
            st.radio(
                f"{n}. {question.prompt}",
                list(labels),
                format_func=labels.get,
                index=None,
                key=f"pre_{question.key}",
            )
        st.form_submit_button(
            "Save my answers",
            on_click=_submit_pretest,
            args=(module,),
            key="pre_submit",
            type="primary",
        )
    if error := st.session_state.get("pre_error"):
        st.error(error)


# --- post-test ---------------------------------------------------------------------------------


@guarded_write("quiz_error", "The new attempt")
def _start(module: Module) -> None:
    engine, pid = resources.engine(), participant()
    latest = store.latest_attempt(engine, pid, module.slug, "post")
    if latest is None or latest.finished:  # never two open attempts, whatever the clicks
        store.start_attempt(engine, pid, module.slug, "post")
        record(module.slug, "post_started")


@guarded_write("quiz_error", "Your answer")
def _check(module: Module, attempt_id: int, question: Question) -> None:
    option = st.session_state.get(_answer_key(attempt_id, question))
    if option is None:
        st.session_state["quiz_error"] = "Choose an answer first."
        return
    st.session_state.pop("quiz_error", None)
    if not is_valid_answer(module.quiz, question.key, option):
        log.warning("post-test of %s: refused an answer: %.80r", module.slug, option)
        st.session_state["quiz_error"] = "That answer is not one of the options."
        return
    right, total = is_correct(question, option), len(module.quiz.questions)
    # The answer and, with the last one, the attempt's end: one transaction, all or nothing.
    if store.answer(resources.engine(), attempt_id, question.key, option, right, total):
        record(module.slug, "post_finished")
    st.session_state[_review_key(attempt_id)] = question.key  # its feedback, until Next


@guarded_write("quiz_error", "Your result")
def _finish(module: Module, attempt_id: int) -> None:
    store.finish_attempt(resources.engine(), attempt_id)
    record(module.slug, "post_finished")


def _feedback(module: Module, question: Question, chosen: str) -> None:
    """Mark the chosen answer right or wrong and the right one right, each with its explanation.

    Each box says in words and with a sign which answer it is about, never by colour alone: on
    a wrong answer, the red box holds only the chosen option's explanation and the green box
    the right answer's, with the source.
    """
    options = {o.key: o for o in question.options}
    source = f"Source: {_reference(module, question.source)}"
    if is_correct(question, chosen):
        st.success(f"✓ **Correct.** {options[chosen].explanation}\n\n{source}")
        return
    correct = options[question.correct]
    st.error(f"✗ **Not quite.** {options[chosen].explanation}")
    answer = correct.text.rstrip(".")  # the sentence adds its own full stop
    st.success(f"✓ **The right answer: {answer}.** {correct.explanation}\n\n{source}")


def _review_key(attempt_id: int) -> str:
    return f"quiz_review_{attempt_id}"


def _next(attempt_id: int, question: Question) -> None:
    """Leave the feedback of `question` for the next question (or the result); once only.

    Which question comes next is read from the stored answers: this only closes the feedback.
    A second click finds it closed already and does nothing.
    """
    if st.session_state.get(_review_key(attempt_id)) == question.key:
        del st.session_state[_review_key(attempt_id)]


def _draw_question(module: Module, attempt: Attempt, screen: Screen) -> None:
    question = module.quiz.questions[screen.index]
    st.subheader(f"Question {screen.number} of {screen.total}", anchor=_anchor(screen))
    st.markdown(question.prompt)
    labels = {o.key: o.text for o in shuffled(question, attempt.seed)}
    st.radio(
        "Your answer",
        list(labels),
        format_func=labels.get,
        index=None,
        key=_answer_key(attempt.id, question),
    )
    st.button(
        "Check my answer",
        type="primary",
        on_click=_check,
        args=(module, attempt.id, question),
        key=f"quiz_check_{attempt.id}",
    )
    if error := st.session_state.get("quiz_error"):
        st.warning(error)


def _draw_feedback(
    module: Module, attempt: Attempt, screen: Screen, chosen: str, *, last: bool
) -> None:
    question = module.quiz.questions[screen.index]
    st.subheader(f"Question {screen.number} of {screen.total}", anchor=_anchor(screen))
    text = next(o.text for o in question.options if o.key == chosen)
    st.markdown(f"{question.prompt}\n\nYour answer: *{text}*")
    _feedback(module, question, chosen)
    st.button(
        "See my result" if last else "Next question",
        type="primary",
        on_click=_next,
        args=(attempt.id, question),
        key=f"quiz_next_{attempt.id}",
    )


def _anchor(screen: Screen) -> str:
    return f"quiz-question-{screen.number}"


def draw_posttest(module: Module, stored: Standing) -> None:
    """Draw the after-reading test, one question per screen, with feedback and Next after each.

    Which question is on screen comes from the attempt's stored answers (the first one not
    answered), so a reload loses nothing; only the feedback of the answer just checked is kept
    in the session until Next.
    """
    attempt = stored.latest("post")
    if attempt is None:
        st.button(
            "Start the self-assessment",
            type="primary",
            on_click=_start,
            args=(module,),
            key="quiz_start",
        )
        return
    answers = stored.answers.get(attempt.id, {})
    screen = post_screen(
        [q.key for q in module.quiz.questions],
        answers,
        st.session_state.get(_review_key(attempt.id)),
        attempt.finished,
    )
    if screen.kind == "result":
        draw_result(module, stored)
        return
    if screen.kind == "unfinished":
        # Answered in full but never finished (an older version wrote in several steps and the
        # database failed between them): let the learner finish it rather than fail the page.
        st.info("All your answers are saved.")
        st.button(
            "See my result",
            type="primary",
            on_click=_finish,
            args=(module, attempt.id),
            key="quiz_finish",
        )
        return
    if screen.kind == "feedback":
        question = module.quiz.questions[screen.index]
        last = all(q.key in answers for q in module.quiz.questions)  # Next leads to the result
        _draw_feedback(module, attempt, screen, answers[question.key], last=last)
    else:
        _draw_question(module, attempt, screen)
    # Keyboard focus and the screen's top on the new question's heading, once per screen.
    step = f"{attempt.id}:{screen.number}:{screen.kind}"
    focus_heading(_anchor(screen), step, key="quiz_focus")


# Every participant's best result, counted once per module and shared by this process's learners
# for a few seconds: the result page shows the peers' average on every run.
_totals = Shared(ttl_s=5.0, size=64)


def peers_average(module: Module, stored: Standing) -> int | None:
    """Return the other participants' average best score in percent (None under 5 of them)."""
    read_at, finished, correct = _totals.get(
        (module.slug,),
        lambda: (utcnow(), *store.best_score_totals(resources.engine(), module.slug, "post")),
    )
    # Leave this learner out if the totals count them (they had finished when they were read).
    mine = [
        a.correct or 0
        for a in stored.attempts
        if a.phase == "post" and a.finished_at is not None and a.finished_at <= read_at
    ]
    if mine:
        finished, correct = finished - 1, correct - max(mine)
    return mean_percent(finished, correct, len(module.quiz.questions))


def forget_peers(module: Module) -> None:
    """Drop the shared totals of this module, so the next result page reads them again."""
    _totals.forget((module.slug,))


def draw_result(module: Module, stored: Standing) -> None:
    """Draw the score, pass or not, the change from the pre-test and the peers' average."""
    quiz = module.quiz
    total = len(quiz.questions)
    posts = [Score(c, total) for c in stored.scores("post")]
    latest, top = posts[-1], best(posts)
    passed = is_passing(top, quiz.pass_mark)
    mark = round(100 * quiz.pass_mark)
    peers = peers_average(module, stored)
    if peers is None:
        compared = "Peers' average appears once at least 5 other participants have finished."
    else:
        compared = f"Peers' average best score: {peers}%."
    # The score, the verdict and the peers' average in one box: the result page is drawn on
    # every run.
    score = f"### Your score: {latest.percent}% ({latest.correct} of {total})"
    if passed:
        verdict = f"Passed: your best score, {top.percent}%, reaches the {mark}% pass mark."
        st.success(f"{score}\n\n{verdict}\n\n{compared}")
    else:
        verdict = f"Not passed yet: the pass mark is {mark}%. Review the article and try again."
        st.warning(f"{score}\n\n{verdict}\n\n{compared}")
    pre = stored.scores("pre")
    if pre:
        before = Score(pre[0], total)
        change = latest.percent - before.percent
        st.metric(
            "Before reading → now",
            f"{latest.percent}%",
            f"{change:+d} points",
            help=f"Before reading you scored {before.percent}%.",
        )
    st.button("Try again", on_click=_start, args=(module,), key="quiz_retry")
