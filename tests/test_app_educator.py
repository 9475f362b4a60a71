"""AppTest: educator pages stay shut to learners; the presenter opens and closes the poll."""

from __future__ import annotations

import datetime as dt

import pytest

from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.rules.lifecycle import PollState
from rounds.rules.progress import poll_id
from rounds.store.certificates import issue_certificate
from rounds.store.engine import open_engine
from rounds.store.evaluation import save_evaluation
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.polls import current_round, simulate_round
from rounds.store.quiz import finish_attempt, record_answer, start_attempt
from rounds.store.votes import record_vote
from tests.apptest import PAGES, attest, fresh_app, live_results, texts
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PASSWORD = "correct horse battery staple"


@pytest.fixture
def configured(monkeypatch):
    monkeypatch.setenv(ENV_HASH, hash_password(PASSWORD, iterations=1000))


def seed_learners(engine, n: int) -> None:
    """Store n learners who attested, evaluated and voted."""
    for i in range(n):
        pid = new_participant_id()
        record_attestation(engine, pid, "v1", "nurse" if i % 2 else "physician", None)
        save_evaluation(engine, MODULE.slug, pid, {s.key: 4 for s in MODULE.evaluation.statements})
        record_vote(engine, poll_id(MODULE), pid, MODULE.poll.options[i % 3].key)


def presenter(monkeypatch, tmp_path):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["presenter"])
    at.query_params["module"] = MODULE.slug
    at.run()
    attest(at)
    return at


def sign_in(at, password: str):
    at.text_input(key="educator_password").input(password)
    return at.button(key="educator_submit").click().run()


def test_without_a_configured_secret_educator_pages_only_say_how_to_configure(
    monkeypatch, tmp_path
):
    monkeypatch.delenv(ENV_HASH, raising=False)
    monkeypatch.delenv("ROUNDS_EDUCATOR_PASSWORD", raising=False)
    at = presenter(monkeypatch, tmp_path)
    assert not at.exception
    assert "no educator password is configured" in texts(at)
    assert MODULE.poll.question not in texts(at)
    assert len(at.text_input) == 0


def test_a_learner_sees_a_sign_in_and_no_educator_content(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    assert at.title[0].value == "Educator sign-in"
    assert MODULE.poll.question not in texts(at)
    assert not any(b.key and b.key.startswith("presenter_") for b in at.button)


def test_wrong_passwords_are_denied_then_slowed_down(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    for _ in range(3):
        sign_in(at, "guess")
        assert "That password is not right." in texts(at)
    sign_in(at, "guess")
    assert "Too many attempts" in texts(at) or "Wait" in texts(at)
    sign_in(at, PASSWORD)  # even the right one waits while the throttle holds
    assert at.title[0].value == "Educator sign-in"
    assert MODULE.poll.question not in texts(at)


def test_presenter_opens_and_closes_the_poll(monkeypatch, tmp_path, configured):
    at = presenter(monkeypatch, tmp_path)
    sign_in(at, PASSWORD)
    assert not at.exception
    assert MODULE.poll.question in texts(at)
    assert len(at.get("image")) == 0  # the QR code is on the screen view, not the console
    # No help tooltip on the buttons under the confirmation box: one stayed over it (issue #20).
    assert not at.button(key="presenter_reset").help
    assert not at.button(key="presenter_rehearse").help
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    pid = poll_id(MODULE)
    at.button(key="presenter_close").click().run()
    assert current_round(engine, pid).state is PollState.closed
    assert "Closed" in texts(at)
    at.button(key="presenter_open").click().run()
    assert current_round(engine, pid).state is PollState.open
    at.button(key="presenter_reset").click().run()
    assert "Tick the confirmation box" in texts(at)
    at.checkbox(key="presenter_reset_confirm").check()
    at.button(key="presenter_reset").click().run()
    fresh = current_round(engine, pid)
    assert (fresh.round, fresh.state) == (2, PollState.draft)


def dashboard(monkeypatch, tmp_path, password: str | None = PASSWORD):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["dashboard"])
    at.query_params["module"] = MODULE.slug
    at.run()
    attest(at)
    if password:
        sign_in(at, password)
    return at


def funnel_counts(at) -> dict[str, int]:
    (table,) = [d.value for d in at.dataframe if "Step" in d.value.columns]
    return dict(zip(table["Step"], table["Participants"], strict=True))


def open_tab(at, tab: str):
    at.session_state["dash_tab"] = tab
    return at.run()


def test_a_learner_cannot_reach_the_dashboard(monkeypatch, tmp_path, configured):
    at = dashboard(monkeypatch, tmp_path, password=None)
    assert at.title[0].value == "Educator sign-in"
    assert not at.button_group and "Funnel" not in texts(at)


def test_dashboard_loads_on_an_empty_database(monkeypatch, tmp_path, configured):
    at = dashboard(monkeypatch, tmp_path)
    assert not at.exception
    site = load_catalog(CONTENT).site  # educators get a slim header, not the learners' notices
    assert f"{site.name} · for educators" in texts(at)
    assert site.translation_notice not in texts(at) and site.support.title not in texts(at)
    views = at.button_group(key="dash_tab")
    assert views.options == ["Funnel", "Learning", "Evaluation", "Poll", "Exports", "Certificates"]
    assert len(at.get("download_button")) == 0  # only the open tab is drawn (and read)
    for tab in ["Learning", "Evaluation", "Poll", "Exports"]:
        at.session_state["dash_tab"] = tab
        at.run()
        assert not at.exception, tab
    assert len(at.get("download_button")) == 9  # seven aggregates, the rows, the report


def test_dashboard_loads_with_seeded_data_and_shows_the_stored_numbers(
    monkeypatch, tmp_path, configured
):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    seed_learners(engine, 7)
    simulate_round(
        engine, poll_id(MODULE), [o.key for o in MODULE.poll.options], ["nurse", "physician"]
    )
    at = dashboard(monkeypatch, tmp_path)
    assert not at.exception
    assert funnel_counts(at)["voted"] == 7  # the rehearsal's 60 simulated voters are left out
    assert funnel_counts(at)["evaluated"] == 7
    (table,) = [d.value for d in at.dataframe if "Step" in d.value.columns]
    conversion = "Conversion (only where one step leads to the other)"
    shown = dict(zip(table["Step"], table[conversion], strict=True))
    assert shown["voted"] == "—" and shown["evaluated"] == "—"  # not nested: no conversion
    assert "None" not in set(table[conversion]) and table["% of attested"].iloc[0] == "100 %"
    at.toggle(key="dash_simulated").set_value(True).run()
    assert funnel_counts(at)["voted"] == 67
    for tab in ["Learning", "Evaluation", "Poll", "Exports"]:  # every tab, on stored rows
        assert not open_tab(at, tab).exception, tab
    assert "Round 2 (rehearsal)** · n = 60" in texts(open_tab(at, "Poll"))


def test_evaluation_tab_tables_the_bars_shares_and_reports_the_commitment_alone(
    monkeypatch, tmp_path, configured
):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    seed_learners(engine, 7)  # everyone answers 4 to every statement
    at = open_tab(dashboard(monkeypatch, tmp_path), "Evaluation")
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "Statement" in d.value.columns]
    shares = ["Strongly disagree (%)", "Disagree (%)", "Neither agree nor disagree (%)"]
    shares += ["Agree (%)", "Strongly agree (%)"]
    assert table[shares].iloc[0].tolist() == [0.0, 0.0, 0.0, 100.0, 0.0]  # what the bars show
    assert table[["n", "% agree", "Median (1-5)"]].iloc[0].tolist() == [7, 100.0, 4.0]
    commitment = next(s for s in MODULE.evaluation.statements if s.key == "change_practice")
    assert "Commitment to change" in texts(at)
    assert at.metric[0].label == f"“{commitment.text}”"
    assert at.metric[0].value == "100% agree"
    assert "n = 7 · median 4 (1-5)" in texts(at)


def test_commitment_without_answers_says_so_rather_than_zero_percent(
    monkeypatch, tmp_path, configured
):
    at = open_tab(dashboard(monkeypatch, tmp_path), "Evaluation")
    assert not at.exception
    assert not at.metric
    assert "no answers in this selection" in texts(at)


def test_learning_tab_tables_scores_before_then_after_as_the_chart_does(
    monkeypatch, tmp_path, configured
):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    for right in (0, 4, 4):  # three learners finish a post-test; the first gets none right
        pid = new_participant_id()
        record_attestation(engine, pid, "v1", "nurse", None)
        attempt = start_attempt(engine, pid, MODULE.slug, "post")
        for i, question in enumerate(MODULE.quiz.questions):
            wrong = next(o.key for o in question.options if o.key != question.correct)
            option = question.correct if i < right else wrong
            record_answer(engine, attempt.id, question.key, option, option == question.correct)
        finish_attempt(engine, attempt.id)
    at = open_tab(dashboard(monkeypatch, tmp_path), "Learning")
    assert not at.exception
    (scores,) = [d.value for d in at.dataframe if "Score (%)" in d.value.columns]
    assert list(scores.columns) == ["Score (%)", "Before reading", "After reading"]
    assert scores["After reading"].tolist() == [1, 0, 0, 0, 2]
    assert scores["Before reading"].tolist() == [0, 0, 0, 0, 0]
    # Nobody took a pre-test: no gain of the same people, said with its n rather than invented.
    assert "Learning gain of the same people (n = 0)" in [h.value for h in at.subheader]
    (paired,) = [d.value for d in at.dataframe if "% correct, first pre-test" in d.value.columns]
    assert paired["Participants"].tolist() == [0] * 5 and paired["Gain (points)"].isna().all()


def test_a_rehearsal_round_is_offered_only_while_rehearsals_count(
    monkeypatch, tmp_path, configured
):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    seed_learners(engine, 7)
    options = [o.key for o in MODULE.poll.options]
    simulate_round(engine, poll_id(MODULE), options, ["nurse", "physician"])  # round 2
    at = open_tab(dashboard(monkeypatch, tmp_path), "Poll")
    assert at.selectbox(key="dash_round").options == ["All rounds", "Round 1"]
    at.toggle(key="dash_simulated").set_value(True).run()
    assert at.selectbox(key="dash_round").options == [
        "All rounds",
        "Round 1",
        "Round 2 (rehearsal)",
    ]
    at.selectbox(key="dash_round").set_value(2).run()
    assert not at.exception
    assert "Round 2 (rehearsal)** · n = 60" in texts(at)  # chosen, it shows its votes


def test_presenter_can_hide_the_results_and_the_count_on_the_big_screen(
    monkeypatch, tmp_path, configured
):
    at = presenter(monkeypatch, tmp_path)
    sign_in(at, PASSWORD)
    shown = live_results(at)
    assert not shown["hide_chart"] and shown["show_count"]
    at.button_group(key="presenter_show").set_value(["count"]).run()
    assert live_results(at)["hide_chart"] and live_results(at)["show_count"]
    assert "The results are hidden on the screen." in texts(at)
    at.button_group(key="presenter_show").set_value([]).run()
    assert not live_results(at)["show_count"]


def test_the_screen_view_shows_the_poll_the_qr_and_the_code_and_no_controls(
    monkeypatch, tmp_path, configured
):
    at = presenter(monkeypatch, tmp_path)
    sign_in(at, PASSWORD)
    at.button_group(key="presenter_show").set_value(["results"]).run()  # the count hidden
    at.switch_page(PAGES["screen"]).run()
    assert not at.exception
    assert at.title[0].value == MODULE.poll.question
    assert len(at.get("image")) == 1  # the QR code
    assert f"/j/{MODULE.join_code}" in texts(at) and MODULE.join_code in texts(at)
    assert live_results(at)["large"] and not live_results(at)["show_count"]
    # Only the hidden buttons behind the keys O and S, and N for the session's first question
    # (no check is live: no A): the controls are on the console.
    assert {b.key for b in at.button} == {"screen_open_close", "screen_results", "screen_next"}
    assert not at.checkbox and not at.number_input


def test_dashboard_figures_are_kept_for_a_while_and_refresh_reads_them_again(
    monkeypatch, tmp_path, configured
):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    seed_learners(engine, 3)
    at = dashboard(monkeypatch, tmp_path)
    assert funnel_counts(at)["voted"] == 3
    assert "figures read at" in at.button(key="dash_refresh").label
    seed_learners(engine, 2)
    assert funnel_counts(at.run())["voted"] == 3  # the same snapshot, as the caption says
    at.button(key="dash_refresh").click().run()
    assert funnel_counts(at)["voted"] == 5


def test_an_educator_checks_certificate_ids_on_the_dashboard(monkeypatch, tmp_path, configured):
    engine = open_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    pid = new_participant_id()
    record_attestation(engine, pid, "v1", "nurse", None)
    issued = issue_certificate(engine, pid, MODULE.slug, dt.date(2026, 11, 30))
    at = open_tab(dashboard(monkeypatch, tmp_path), "Certificates")
    assert not at.exception and "Verify a certificate" in texts(at)

    def check(typed: str):
        at.text_input(key="dash_certificate_id").input(typed)
        at.button(key="dash_certificate_check").click().run()
        assert not at.exception
        return at

    shown = check(f" {issued.id.lower()} ")
    title = " ".join(MODULE.title.split())
    assert [s.value for s in shown.success] == [
        f"Valid: {title}, completed 30 November 2026 (id {issued.id})."
    ]
    forged = "RND-0000-0000" if issued.id != "RND-0000-0000" else "RND-0000-0001"
    assert check(forged).warning[0].value.startswith("Not found")
    assert not at.success
    assert "RND-7KQ2-M9XD" in check("<b>RND-1</b>").error[0].value
