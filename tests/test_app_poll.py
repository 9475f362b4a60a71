"""AppTest: the live poll as learners see it: results between two people, hidden before voting,
off-label evidence, retired options, and a presenter's rehearsal."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from rounds import resources
from rounds.rules.progress import poll_id
from rounds.store.polls import simulate_round
from rounds.store.votes import record_vote
from rounds.ui.poll_widgets import refresh_shared
from rounds.web import signing
from tests.apptest import attest, fresh_app, live_heading, live_results, texts
from tests.test_app_learner import MODULE, open_page


def two_in_the_poll(monkeypatch, tmp_path) -> tuple[AppTest, AppTest]:
    """Return two participants on the poll page, the first of whom has voted."""
    first = fresh_app(monkeypatch, tmp_path)
    second = AppTest.from_file(first._script_path, default_timeout=30)
    for at in (first, second):
        open_page(at, "poll")
        attest(at)
    first.radio(key="poll_choice").set_value(MODULE.poll.options[0].key)
    first.button(key="poll_vote").click().run()
    return first, second


def test_a_second_participants_vote_appears_in_the_first_ones_results(monkeypatch, tmp_path):
    first, second = two_in_the_poll(monkeypatch, tmp_path)
    assert live_heading(first) == "Results so far (n = 1)"
    second.radio(key="poll_choice").set_value(MODULE.poll.options[1].key)
    second.button(key="poll_vote").click().run()
    assert live_heading(second) == "Results so far (n = 2)"
    first.run()
    assert live_heading(first) == "Results so far (n = 2)"


def test_a_viewer_who_has_not_voted_receives_no_counts_at_all(monkeypatch, tmp_path):
    """The results were hidden on screen but sent to the browser in the component's arguments."""
    first, second = two_in_the_poll(monkeypatch, tmp_path)
    second.run()
    hidden = live_results(second)
    assert hidden["hidden"] and hidden["text"] == ""
    assert hidden["initial"]["total"] == 0 and not any(hidden["initial"]["counts"].values())
    grants = {args["stream"].split("?v=")[1] for args in (live_results(first), hidden)}
    secret = resources.settings().secret_key
    poll = f"{MODULE.slug}/{MODULE.poll.key}"
    assert {signing.read_viewer_token(secret, token, poll) for token in grants} == {True, False}


def test_off_label_poll_evidence_carries_a_visible_label(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "poll")
    attest(at)
    at.radio(key="poll_choice").set_value("would_not_use")
    at.button(key="poll_vote").click().run()
    (evidence,) = [i.value for i in at.info if "The evidence in brief" in i.value]
    (eu,) = [line for line in evidence.splitlines() if "Labelling, EU" in line]
    assert "Off-label]" in eu and "outside the label" in eu
    assert "Harm, E1910" in evidence and "interim analysis" in evidence


def test_a_vote_for_a_retired_option_reads_as_not_voted(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "poll")
    attest(at)
    engine, me = resources.engine(), at.session_state["participant_id"]
    record_vote(engine, poll_id(MODULE), me, "adopt_now")  # a key the poll no longer offers
    open_page(at, "poll")
    assert not at.exception
    assert "Your vote:" not in texts(at)
    at.radio(key="poll_choice").set_value("would_not_use")
    at.button(key="poll_vote").click().run()
    assert "Your vote: **No, I would not use it**" in texts(at)


def test_a_phone_during_a_rehearsal_is_told_so_and_neither_votes_nor_sees_simulated_results(
    monkeypatch, tmp_path
):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "poll")
    attest(at)
    options = [o.key for o in MODULE.poll.options]
    simulate_round(resources.engine(), poll_id(MODULE), options, ["nurse"], voters=20, seed=3)
    refresh_shared()
    at.run()
    assert "Rehearsal: the presenter is trying the poll with simulated votes" in texts(at)
    assert not [b for b in at.button if b.key == "poll_vote"] and not at.radio
    shown = live_results(at)
    assert shown["hidden"] and shown["initial"]["total"] == 0  # the 20 simulated: not sent


def test_picking_an_option_clears_the_choose_one_message(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    open_page(at, "poll")
    attest(at)
    at.button(key="poll_vote").click().run()
    assert "Choose one of the options to vote." in texts(at)
    at.radio(key="poll_choice").set_value(MODULE.poll.options[0].key).run()
    assert "Choose one of the options to vote." not in texts(at)
