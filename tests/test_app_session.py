"""AppTest: a phone on the poll page during a meeting session: the live check, the reveal, a
vote for a question no longer live, and the notices folded on the join path."""

from __future__ import annotations

import html

from rounds import resources
from rounds.rules.session import items
from rounds.store.sessions import go_live, reveal
from rounds.store.votes import vote_counts
from rounds.ui.chrome import FOLD_SUMMARY
from rounds.ui.poll_widgets import MOVED_ON_MESSAGE, refresh_shared
from tests.apptest import attest, fresh_app, live_results, texts
from tests.test_app_learner import MODULE, open_page

PRE, POLL, POST = items(MODULE)
EXPLANATION = next(o.explanation for o in PRE.check.options if o.key == PRE.check.correct)


def phone_on_the_poll(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "poll")
    attest(at)
    return at


def advance(at, item) -> None:
    go_live(resources.engine(), MODULE.slug, item.poll_id)
    refresh_shared()
    at.run()


def test_the_phone_shows_the_live_check_and_its_answer_only_after_the_reveal(monkeypatch, tmp_path):
    at = phone_on_the_poll(monkeypatch, tmp_path)
    assert at.radio(key="poll_choice").label == f"**{MODULE.poll.question}**"
    advance(at, PRE)
    choice = at.radio(key=f"poll_choice_{PRE.index}")
    assert choice.label == f"**{PRE.question}**"
    choice.set_value(PRE.check.correct)
    at.button(key="poll_vote").click().run()
    assert not at.exception
    before = live_results(at)
    # Before the reveal nothing the browser receives says which option is right.
    assert before["hidden"] and before["correct"] is None
    assert EXPLANATION not in str(before) and EXPLANATION not in texts(at)
    assert vote_counts(resources.engine(), PRE.poll_id, 1) == {PRE.check.correct: 1}

    reveal(resources.engine(), PRE.poll_id)
    refresh_shared()
    at.run()
    after = live_results(at)
    assert not after["hidden"]
    assert after["correct"]["key"] == PRE.check.correct
    assert after["correct"]["explanation"] == EXPLANATION
    assert after["text"].startswith("100% chose the correct answer (1 of 1)")


def test_an_answer_to_a_question_no_longer_live_is_refused(monkeypatch, tmp_path):
    at = phone_on_the_poll(monkeypatch, tmp_path)
    advance(at, PRE)
    at.radio(key=f"poll_choice_{PRE.index}").set_value(PRE.check.correct)
    go_live(resources.engine(), MODULE.slug, POLL.poll_id)  # the presenter moved on meanwhile
    at.button(key="poll_vote").click().run()
    assert MOVED_ON_MESSAGE in texts(at)
    assert vote_counts(resources.engine(), PRE.poll_id, 1) == {}
    assert at.radio(key="poll_choice").label == f"**{MODULE.poll.question}**"


def test_the_join_paths_notices_are_folded_yet_all_there(monkeypatch, tmp_path):
    at = phone_on_the_poll(monkeypatch, tmp_path)
    site = resources.catalog().site
    (chrome,) = [
        e.proto.body for e in at.get("html") if '<div class="rounds-chrome">' in e.proto.body
    ]
    assert chrome.startswith(f'<details class="rounds-fold"><summary>{FOLD_SUMMARY}</summary>')
    assert html.escape(site.disclosure.statement) in chrome
    open_page(at, "article")  # elsewhere they stay open above the content
    (chrome,) = [
        e.proto.body for e in at.get("html") if '<div class="rounds-chrome">' in e.proto.body
    ]
    assert FOLD_SUMMARY not in chrome
