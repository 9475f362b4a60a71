"""AppTest: the learner's path from gate to certificate, and a live poll seen by two people."""

from __future__ import annotations

import datetime as dt
import html
import shutil
from pathlib import Path

import yaml
from streamlit.testing.v1 import AppTest

from rounds import resources
from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.rules.evaluation import EXTRA
from rounds.store import quiz as quiz_store
from rounds.store.certificates import issue_certificate
from rounds.store.engine import open_engine
from rounds.store.evaluation import save_evaluation
from rounds.store.participants import new_participant_id, record_attestation
from rounds.ui import evaluation_widgets, quiz_widgets
from tests.apptest import PAGES, attest, fresh_app, html_charts, live_heading, texts
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


def quiz_button(at: AppTest, kind: str):
    """Return the post-test's one "check" or "next" button on the screen."""
    (button,) = [b for b in at.button if b.key and b.key.startswith(f"quiz_{kind}_")]
    return button


def check(at: AppTest, option: str) -> AppTest:
    """Choose `option` for the question on the screen and check it."""
    quiz_radio(at).set_value(option)
    return quiz_button(at, "check").click().run()


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
        check(at, chosen)
        assert not at.exception
        shown = texts(at)
        assert ("Correct." in shown) if n else ("Not quite." in shown)
        number = MODULE.reference_number(question.source)
        source = MODULE.references[number - 1]
        assert f"Source: \\[{number}\\] {source.text.strip()}" in shown
        assert "](None)" not in shown  # a reference without a link shows none
        if source.doi:
            assert f"](https://doi.org/{source.doi})" in shown
        quiz_button(at, "next").click().run()
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
    assert not html_charts(at)  # the only answers are the learner's own: nobody else's to show
    assert "once 5 other participants have answered" in texts(at)

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
    # One step: one download button, live once a name is typed; no "Prepare" button before it.
    (download,) = at.get("download_button")
    assert download.proto.label == "Download my certificate (PDF)" and download.proto.disabled
    assert [b.key for b in at.button if b.key and b.key.startswith("cert_")] == []
    at.text_input(key="cert_name").input("Dr Ada Example").run()
    (download,) = at.get("download_button")
    assert not download.proto.disabled and download.proto.deferred_file_id  # built on press
    assert "Your certificate id" not in texts(at)  # issued on the first download, not before
    pid = at.session_state["participant_id"]
    issued = issue_certificate(resources.engine(), pid, MODULE.slug, dt.date(2026, 12, 2))
    open_page(at, "completion")  # back for another copy
    assert f"Your certificate id is {issued.id}; an educator can check it at" in texts(at)


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
        check(at, question.correct)
        quiz_button(at, "next").click().run()
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


def evaluated_by_peers(tmp_path, peers: int, skipping_first: int = 0) -> None:
    """Store the evaluation of `peers` other participants (some skipping the first statement)."""
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    statements = MODULE.evaluation.statements
    for n in range(peers):
        peer = new_participant_id()
        record_attestation(engine, peer, "v1", "nurse", None)
        answers = {s.key: 5 for s in statements}
        if n < skipping_first:
            answers[statements[0].key] = None
        save_evaluation(engine, MODULE.slug, peer, answers)
    engine.dispose()


def submit_evaluation(at: AppTest) -> AppTest:
    open_page(at, "evaluation")
    for statement in MODULE.evaluation.statements:
        at.radio(key=f"eval_{statement.key}").set_value(4)
    return at.button(key="eval_submit").click().run()


def test_everyones_evaluation_shows_from_five_other_participants(monkeypatch, tmp_path):
    evaluated_by_peers(tmp_path, 4)
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "evaluation")
    attest(at)
    submit_evaluation(at)
    assert not html_charts(at) and not at.table  # 4 others: one's answers could be worked out
    evaluated_by_peers(tmp_path, 1)
    evaluation_widgets.forget_results(MODULE)  # as the fifth one's own submission does
    open_page(at, "evaluation")
    (chart,) = html_charts(at)
    assert len(at.table) == 1
    assert all(s.text.rstrip(".") in chart for s in MODULE.evaluation.statements)


def test_a_statement_too_few_others_answered_is_left_out(monkeypatch, tmp_path):
    evaluated_by_peers(tmp_path, 6, skipping_first=2)  # 4 others answered the first statement
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "evaluation")
    attest(at)
    submit_evaluation(at)
    (chart,) = html_charts(at)
    first, *others = MODULE.evaluation.statements
    assert first.text.rstrip(".") not in chart
    assert all(s.text.rstrip(".") in chart for s in others)
    assert "fewer than 5 other participants answered" in texts(at)


def test_the_change_of_practice_statement_takes_i_already_do_this(monkeypatch, tmp_path):
    evaluated_by_peers(tmp_path, 5)  # everyone's answers show from 5 others on
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "evaluation")
    attest(at)
    statements = {s.key: s for s in MODULE.evaluation.statements}
    assert "I already do this" not in at.radio(key="eval_clear").options  # only where asked
    already = at.radio(key="eval_change_practice")
    assert "I already do this" in already.options
    for key in statements:
        at.radio(key=f"eval_{key}").set_value(EXTRA if key == "change_practice" else 4)
    at.button(key="eval_submit").click().run()
    assert not at.exception
    assert f"{statements['change_practice'].text} **I already do this**" in texts(at)
    (table,) = at.table
    shown = table.value.set_index("Statement")
    row = shown.loc[statements["change_practice"].text]
    assert row["Answered (n)"] == 5  # the 5 peers, not mine
    assert row["Answers"].endswith(", I already do this 1; skipped 0")
    assert ", Agree 1, " in shown.loc[statements["free_of_bias"].text, "Answers"]
    assert "I already do this" not in shown.loc[statements["free_of_bias"].text, "Answers"]


def test_the_article_shows_accreditation_and_disclosures_before_the_content(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "article")
    attest(at)
    shown = [m.value for m in at.markdown]
    front = next(i for i, text in enumerate(shown) if "Before you start" in text)
    body = next(i for i, text in enumerate(shown) if "The panel and its question" in text)
    assert front < body
    assert "Released 7 November 2025 · last reviewed 2 December 2026" in texts(at)
    for expected in (
        "This activity is not accredited.",
        "**Faculty and authors**",
        "**Rounds editorial team** (Authors). Disclosure: No relevant financial",
        "**Planners and reviewers**",
        "**Commercial support for this activity.**",
    ):
        assert expected in shown[front]
    article = shown[body]
    references = "\n".join(html.unescape(e.proto.body) for e in at.get("html"))
    doi = 'href="https://doi.org/10.1056/NEJMoa2312948"'
    assert f'{doi} target="_blank" rel="noopener noreferrer">DOI 10.1056/NEJMoa2312948</a>' in (
        references
    )
    assert ">PubMed 39047240</a>" in references and ">Link</a>" not in references
    assert "?term=" not in article + references
    key_data = article.split("## Key data")[1].split("## Key learning")[0]
    assert key_data.count("Off-label]") == 2  # dose capping; Erwinia for silent inactivation


def test_an_expired_module_is_hidden_from_the_catalog(monkeypatch, tmp_path):
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    old = Path(shutil.copytree(content / "modules" / MODULE.slug, content / "modules" / "old"))
    data = yaml.safe_load((old / "module.yaml").read_text(encoding="utf-8"))
    data.update(slug="expired-module", title="An expired module", expires="2026-01-31")
    data.update(reviewed="2025-12-01")
    data.pop("join_code", None)  # join codes are unique across the catalog
    (old / "module.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    monkeypatch.setenv("ROUNDS_CONTENT_DIR", str(content))
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["home"])
    attest(at.run())
    assert not at.exception
    assert MODULE.title in texts(at)
    assert "An expired module" not in texts(at)
    open_page(at, "article", module="expired-module")  # an old link still opens, and says so
    assert "This activity expired on 31 January 2026" in texts(at)

    monkeypatch.setenv(ENV_HASH, hash_password("educator password", iterations=1000))
    open_page(at, "dashboard", module="expired-module")  # educators still have its figures
    at.text_input(key="educator_password").input("educator password")
    at.button(key="educator_submit").click().run()
    assert not at.exception
    assert "An expired module" in texts(at) and "no module at this address" not in texts(at)


def test_completion_follows_the_modules_rule_and_says_what_is_missing(monkeypatch, tmp_path):
    """A learner who never opened the article was told "You have completed this module"."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "completion")
    attest(at)
    engine, pid = resources.engine(), at.session_state["participant_id"]
    take(engine, pid, "post", {q.key: q.correct for q in QUESTIONS})  # passed
    save_evaluation(engine, MODULE.slug, pid, {s.key: 4 for s in MODULE.evaluation.statements})
    at.run()
    assert "You have completed this module." not in texts(at)
    missing = [link.proto.label for link in at.get("page_link")]
    assert "Read the article" in missing and "Pass the self-assessment" not in missing
    assert "cert_name" not in [field.key for field in at.text_input]  # no certificate yet
    open_page(at, "article")  # reading it is the last step the rule asks for
    open_page(at, "completion")
    assert "You have completed this module." in texts(at)


def test_a_wrong_answer_is_marked_wrong_and_the_right_one_right_each_in_words(
    monkeypatch, tmp_path
):
    """The whole feedback box was red, the right answer's explanation included."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    at.button(key="quiz_start").click().run()
    question = QUESTIONS[0]
    options = {o.key: o for o in question.options}
    wrong = next(key for key in options if key != question.correct)
    check(at, wrong)
    (mistake,), (right,) = at.error, at.success
    assert mistake.value.startswith("✗ **Not quite.**")
    assert options[wrong].explanation in mistake.value
    assert options[question.correct].explanation not in mistake.value
    assert right.value.startswith("✓ **The right answer:")
    assert options[question.correct].explanation in right.value and "Source:" in right.value
    assert ".." not in right.value.replace("...", "")  # no doubled full stop


def test_the_post_test_shows_one_question_per_screen_with_next_after_its_feedback(
    monkeypatch, tmp_path
):
    """The quiz was one growing page: no Next, no "Question 2 of 4", the next one off screen."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    at.button(key="quiz_start").click().run()
    total = len(QUESTIONS)
    for n, question in enumerate(QUESTIONS, 1):
        assert [h.value for h in at.subheader] == [f"Question {n} of {total}"]
        assert question.prompt in texts(at)
        assert all(q.prompt not in texts(at) for q in QUESTIONS if q is not question)
        assert len([r for r in at.radio if r.key.startswith("quiz_")]) == 1
        check(at, question.correct)
        assert not [r for r in at.radio if r.key.startswith("quiz_")]  # its feedback instead
        assert [h.value for h in at.subheader] == [f"Question {n} of {total}"]
        assert "Correct." in texts(at) and "Your score" not in texts(at)
        label = "See my result" if n == total else "Next question"
        assert quiz_button(at, "next").label == label
        quiz_button(at, "next").click().run()
        assert not at.exception
    assert "Your score: 100%" in texts(at) and not at.subheader


def test_the_question_on_screen_comes_from_the_stored_answers(monkeypatch, tmp_path):
    """A new session (a reload) shows the first question not answered, and loses nothing."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    engine, pid = resources.engine(), at.session_state["participant_id"]
    attempt = quiz_store.start_attempt(engine, pid, MODULE.slug, "post")
    first, second = QUESTIONS[0], QUESTIONS[1]
    quiz_store.record_answer(engine, attempt.id, first.key, first.correct, True)
    at.run()
    assert [h.value for h in at.subheader] == [f"Question 2 of {len(QUESTIONS)}"]
    assert second.prompt in texts(at) and first.prompt not in texts(at)
    check(at, second.correct)
    assert quiz_store.answers_of(engine, attempt.id) == {
        first.key: first.correct,
        second.key: second.correct,
    }


def test_next_leads_to_the_result_once_every_question_is_answered(monkeypatch, tmp_path):
    """Answered out of order (another tab): the last one left, not the last by number, ends it."""
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "quiz")
    attest(at)
    engine, pid = resources.engine(), at.session_state["participant_id"]
    attempt = quiz_store.start_attempt(engine, pid, MODULE.slug, "post")
    *before, gap, after = QUESTIONS
    for question in [*before, after]:
        quiz_store.record_answer(engine, attempt.id, question.key, question.correct, True)
    at.run()
    assert [h.value for h in at.subheader] == [f"Question {len(QUESTIONS) - 1} of {len(QUESTIONS)}"]
    check(at, gap.correct)
    assert quiz_button(at, "next").label == "See my result"
    quiz_button(at, "next").click().run()
    assert "Your score: 100%" in texts(at)
