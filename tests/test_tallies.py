"""Poll tallies from rows, visibility of results, and evaluation aggregates."""

from __future__ import annotations

from rounds.content.loader import load_catalog
from rounds.content.schema import ResultsVisibility
from rounds.rules.evaluation import summarise
from rounds.rules.tallies import describe, poll_results, poll_rows, results_visible
from rounds.store.evaluation import evaluation_counts, save_evaluation
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.standing import standing
from rounds.store.votes import record_vote, vote_counts
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
POLL = MODULE.poll
STATEMENTS = MODULE.evaluation.statements


def people(engine, n: int) -> list[str]:
    ids = [new_participant_id() for _ in range(n)]
    for pid in ids:
        record_attestation(engine, pid, "v1", "physician", None)
    return ids


def test_poll_results_from_stored_votes(engine):
    first, second, third = (o.key for o in POLL.options[:3])
    voters = people(engine, 4)
    for pid, choice in zip(voters, [first, first, second, first], strict=True):
        record_vote(engine, "p", pid, choice)
    record_vote(engine, "p", voters[3], third)  # a change of mind
    results = poll_results(POLL.options, vote_counts(engine, "p", 1))
    assert list(results["key"]) == [o.key for o in POLL.options]
    assert results.set_index("key").loc[[first, second, third], "count"].tolist() == [2, 1, 1]
    assert results["count"].sum() == 4
    assert results.set_index("key").loc[first, "percent"] == 50.0
    rows = poll_rows(POLL.options, vote_counts(engine, "p", 1))
    assert describe(rows).startswith("4 votes.")
    assert [tuple(r) for r in rows] == list(results.itertuples(index=False, name=None))


def test_no_votes_gives_zero_percent_not_an_error():
    results = poll_results(POLL.options, {})
    assert results["percent"].tolist() == [0.0] * len(POLL.options)
    assert describe(poll_rows(POLL.options, {})) == "No votes yet."


def test_results_visibility_rules():
    after = ResultsVisibility.after_voting
    assert not results_visible(after, has_voted=False, closed=False)
    assert results_visible(after, has_voted=True, closed=False)
    assert results_visible(ResultsVisibility.always, has_voted=False, closed=False)
    assert not results_visible(ResultsVisibility.after_close, has_voted=True, closed=False)
    assert results_visible(ResultsVisibility.after_close, has_voted=False, closed=True)


def test_evaluation_is_revisable_and_aggregated_from_rows(engine):
    a, b, c = people(engine, 3)
    clear, objectives = STATEMENTS[0].key, STATEMENTS[1].key
    save_evaluation(engine, MODULE.slug, a, {clear: 5, objectives: 4})
    save_evaluation(engine, MODULE.slug, b, {clear: 2, objectives: None})
    save_evaluation(engine, MODULE.slug, c, {clear: 1, objectives: 4})
    save_evaluation(engine, MODULE.slug, c, {clear: 4, objectives: 4})  # revised
    assert standing(engine, b, MODULE.slug, "").evaluation == {clear: 2, objectives: None}
    summary = summarise(STATEMENTS, evaluation_counts(engine, MODULE.slug)).set_index("key")
    assert summary.loc[clear, "n"] == 3
    assert summary.loc[clear, "pct_agree"] == round(100 * 2 / 3, 1)
    assert summary.loc[clear, "median"] == 4
    assert summary.loc[objectives, "n"] == 2 and summary.loc[objectives, "skipped"] == 1
    assert summary.loc[objectives, "pct_agree"] == 100.0
    assert summary.loc[STATEMENTS[2].key, "n"] == 0
