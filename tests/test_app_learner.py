"""AppTest: the learner's path from gate to certificate, and a live poll seen by two people."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rounds import signing
from rounds.content.loader import load_catalog
from rounds.store import quiz as quiz_store
from rounds.store.engine import open_engine
from rounds.store.participants import new_participant_id, record_attestation
from rounds.ui import quiz_widgets, resources
from tests.apptest import PAGES, attest, figures, fresh_app, live_heading, live_results, texts
from tests.conftest import CONTENT
from tests.test_quiz import take

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
QUESTIONS = MODULE.quiz.questions


def open_page(at: AppTest, page: str, **params: str) -> AppTest:
    at.switch_page(PAGES[page])
    at.query_params.clear()
    at.query_params.update({"module": MODULE.slug, **params})
    return at.run()


def quiz_radio(at: AppTest):
    (radio,) = [r for r in at.radio if r.key and r.key.startswith("quiz_")]
    return radio


def test_full_learner_path_from_gate_to_certificate(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "article")
    attest(at)
    assert at.title[0].value == MODULE.title

    open_page(at, "quiz", phase="pre")
    for question in QUESTIONS:
        wrong = next(o.key for o in question.options if o.key != question.correct)
        at.radio(key=f"pre_{question.key}").set_value(wrong)
    at.button(key="pre_submit").click().run()
    assert "Your before-reading answers are saved" in texts(at)

    open_page(at, "quiz")
    at.button(key="quiz_start").click().run()
    for n, question in enumerate(QUESTIONS):
        chosen = (
            question.correct
            if n
            else next(o.key for o in question.options if o.key != question.correct)
        )
        quiz_radio(at).set_value(chosen)
        (check,) = [b for b in at.button if b.key and b.key.startswith("quiz_check_")]
        check.click().run()
        assert not at.exception
        shown = texts(at)
        assert ("Correct." in shown) if n else ("Not quite." in shown)
    total = len(QUESTIONS)
    expected = round(100 * (total - 1) / total)
    assert f"Your score: {expected}%" in texts(at)
    assert ("Passed" in texts(at)) is (expected >= 70)
    (change,) = at.metric
    assert change.delta == f"+{expected} points"  # from 0% before reading

    open_page(at, "evaluation")
    for i, statement in enumerate(MODULE.evaluation.statements):
        at.radio(key=f"eval_{statement.key}").set_value(0 if i == 3 else 4)
    at.button(key="eval_submit").click().run()
    assert "your answers are saved" in texts(at)
    (chart,) = figures(at)  # everyone's answers: the chart, its text, the table
    assert chart["figure"]["data"] and len(at.dataframe) >= 1
    assert all(s.text.rstrip(".") in chart["alt"] for s in MODULE.evaluation.statements)

    open_page(at, "poll")
    assert live_heading(at) == "hidden"
    at.radio(key="poll_choice").set_value(MODULE.poll.options[0].key)
    at.button(key="poll_vote").click().run()
    assert live_heading(at) == "Results so far (n = 1)"
    assert "The evidence in brief" in texts(at)
    assert at.get("progress")[0].proto.text.startswith("Module progress: 5 of 5 steps done")

    open_page(at, "completion")
    assert not at.exception
    assert "You have completed this module." in texts(at)
    assert len(at.get("download_button")) == 0
    at.text_input(key="cert_name").input("Dr Ada Example")
    at.button(key="cert_prepare").click().run()
    assert len(at.get("download_button")) == 1


def test_a_second_participants_vote_appears_in_the_first_ones_results(monkeypatch, tmp_path):
    first = fresh_app(monkeypatch, tmp_path)
    second = AppTest.from_file(first._script_path, default_timeout=30)
    for at in (first, second):
        open_page(at, "poll")
        attest(at)
    first.radio(key="poll_choice").set_value(MODULE.poll.options[0].key)
    first.button(key="poll_vote").click().run()
    assert live_heading(first) == "Results so far (n = 1)"
    second.radio(key="poll_choice").set_value(MODULE.poll.options[1].key)
    second.button(key="poll_vote").click().run()
    assert live_heading(second) == "Results so far (n = 2)"
    first.run()
    assert live_heading(first) == "Results so far (n = 2)"


def test_the_result_shows_the_peers_average_without_the_learner(monkeypatch, tmp_path):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    right = {q.key: q.correct for q in QUESTIONS}
    wrong = {q.key: next(o.key for o in q.options if o.key != q.correct) for q in QUESTIONS}
    for n in range(5):  # five peers: four got everything wrong, one everything right
        peer = new_participant_id()
        record_attestation(engine, peer, "v1", "nurse", None)
        take(engine, peer, "post", right if n == 0 else wrong)
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    open_page(at, "quiz")  # the peers' totals are read here and kept for a few seconds
    at.button(key="quiz_start").click().run()
    for question in QUESTIONS:
        quiz_radio(at).set_value(question.correct)
        (check,) = [b for b in at.button if b.key and b.key.startswith("quiz_check_")]
        check.click().run()
    assert "Your score: 100%" in texts(at)
    assert "Peers' average best score: 20%." in texts(at)  # 1 of 5 all right; not my 100 %
    quiz_widgets.forget_peers(MODULE)  # a fresher read of the totals counts me: still left out
    assert "Peers' average best score: 20%." in texts(at.run())


def test_saved_evaluation_answers_are_shown_and_can_be_changed(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "evaluation")
    attest(at)
    statements = MODULE.evaluation.statements
    for statement in statements:
        at.radio(key=f"eval_{statement.key}").set_value(4)
    at.button(key="eval_submit").click().run()
    assert not at.radio  # the saved answers as text, not the form
    assert f"{statements[0].text} **Agree**" in texts(at)
    at.button(key="eval_revise").click().run()
    assert at.radio(key=f"eval_{statements[0].key}").value == 4  # the form, as saved
    at.radio(key=f"eval_{statements[0].key}").set_value(0)  # skip it this time
    at.button(key="eval_submit").click().run()
    assert f"{statements[0].text} **Skip**" in texts(at) and not at.radio
    assert f"{statements[1].text} **Agree**" in texts(open_page(at, "evaluation"))


def test_a_viewer_who_has_not_voted_receives_no_counts_at_all(monkeypatch, tmp_path):
    """The results were hidden on screen but sent to the browser in the component's arguments."""
    first = fresh_app(monkeypatch, tmp_path)
    second = AppTest.from_file(first._script_path, default_timeout=30)
    for at in (first, second):
        open_page(at, "poll")
        attest(at)
    first.radio(key="poll_choice").set_value(MODULE.poll.options[0].key)
    first.button(key="poll_vote").click().run()
    second.run()
    hidden = live_results(second)
    assert hidden["hidden"] and hidden["text"] == ""
    assert hidden["initial"]["total"] == 0 and not any(hidden["initial"]["counts"].values())
    grants = {args["stream"].split("?v=")[1] for args in (live_results(first), hidden)}
    secret = resources.settings().secret_key
    poll = f"{MODULE.slug}/{MODULE.poll.key}"
    assert {signing.read_viewer_token(secret, token, poll) for token in grants} == {True, False}


def test_an_attempt_answered_in_full_but_never_finished_can_still_be_finished(
    monkeypatch, tmp_path
):
    """The state an older version left after a failure between its writes broke the page."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    engine = resources.engine()
    pid = at.session_state["participant_id"]
    attempt = quiz_store.start_attempt(engine, pid, MODULE.slug, "post")
    for question in QUESTIONS:
        quiz_store.record_answer(engine, attempt.id, question.key, question.correct, True)
    at.run()
    assert not at.exception
    assert "All your answers are saved." in texts(at)
    at.button(key="quiz_finish").click().run()
    assert not at.exception
    assert "Your score: 100%" in texts(at)
