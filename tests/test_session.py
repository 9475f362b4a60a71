"""A meeting session: the sequence in content, what is live and next, reveals, the end."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from rounds.content.loader import load_catalog
from rounds.content.schema import Module
from rounds.rules.lifecycle import PollState
from rounds.rules.progress import poll_id
from rounds.rules.session import (
    check_poll_id,
    check_result,
    check_results_visible,
    correct_option,
    find,
    items,
    next_item,
    opens_when_live,
    shown_item,
)
from rounds.store.participants import record_attestation
from rounds.store.polls import current_round, reset
from rounds.store.sessions import end_session, go_live, is_revealed, reveal, session_state
from rounds.store.votes import record_vote
from tests.conftest import CONTENT

SLUG = "asparaginase-aya-all"


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load((CONTENT / "modules" / SLUG / "module.yaml").read_text())


@pytest.fixture(scope="module")
def module() -> Module:
    return load_catalog(CONTENT).get(SLUG).module


def problems(data: dict, session) -> list[str]:
    changed = copy.deepcopy(data)
    changed["session"] = session
    try:
        Module.model_validate(changed)
    except Exception as exc:  # pydantic's ValidationError
        return [str(exc)]
    return []


def test_the_module_declares_a_pre_check_the_poll_and_a_post_check(module):
    kinds = [(i.is_check, i.phase) for i in items(module)]
    assert kinds == [(True, "pre"), (False, None), (True, "post")]
    assert items(module)[0].poll_id == f"{SLUG}/check/silent_inactivation_next_step/pre"
    assert items(module)[1].poll_id == poll_id(module)


@pytest.mark.parametrize(
    ("session", "said"),
    [
        ({"items": [{"check": "no_such_question", "phase": "pre"}]}, "not a self-assessment"),
        ({"items": [{"check": "aya_referral_centre", "phase": "post"}]}, "without a pre run"),
        (
            {
                "items": [
                    {"check": "aya_referral_centre", "phase": "post"},
                    {"check": "aya_referral_centre", "phase": "pre"},
                ]
            },
            "without a pre run",
        ),
        ({"items": [{"poll": "another_poll"}]}, "is not the module's poll"),
        ({"items": [{"survey": "x"}]}, "either `check: <question key>` or `poll: <poll key>`"),
        ({"items": [{"poll": "frontline_blinatumomab"}] * 2}, "used more than once"),
        ({"items": [{"check": "aya_referral_centre", "phase": "during"}]}, "phase"),
        ({"items": []}, "at least 1 item"),
        ({"items": [{"poll": "frontline_blinatumomab"}], "after": "never"}, "after"),
    ],
)
def test_a_wrong_sequence_is_reported_clearly(data, session, said):
    found = problems(data, session)
    assert found and said in found[0], found


def test_a_session_needs_the_poll(data):
    changed = copy.deepcopy(data)
    changed.pop("poll")
    changed["session"] = {"items": [{"check": "aya_referral_centre", "phase": "pre"}]}
    with pytest.raises(ValueError, match="needs the module's poll"):
        Module.model_validate(changed)


def test_the_loader_names_the_file_and_field(tmp_path, data):
    import shutil

    shutil.copytree(CONTENT, tmp_path / "content")
    folder = tmp_path / "content" / "modules" / SLUG
    broken = copy.deepcopy(data)
    broken["session"]["items"][2]["check"] = "typo"
    (folder / "module.yaml").write_text(yaml.safe_dump(broken))
    catalog = load_catalog(Path(tmp_path / "content"))
    [problem] = catalog.problems
    assert problem.file.endswith(f"{SLUG}/module.yaml")
    assert "session items.2: check 'typo' is not a self-assessment question" in problem.message


def test_next_runs_through_the_sequence_then_stops(module):
    first, poll, post = items(module)
    assert next_item(module, None) == first
    assert next_item(module, first.poll_id) == poll
    assert next_item(module, poll.poll_id) == post
    assert next_item(module, post.poll_id) is None
    assert find(module, "not/an/item") is None


def test_a_phone_shows_the_live_item_or_else_the_poll(module):
    first = items(module)[0]
    assert shown_item(module, first.poll_id) == first
    assert shown_item(module, None).poll_id == poll_id(module)


def test_the_check_result_counts_the_correct_option_only(module):
    check = items(module)[0]
    assert correct_option(check)[0] == "repeat_level_before_switch"
    result = check_result(check, {"repeat_level_before_switch": 3, "switch_on_one_level": 1})
    assert (result.total, result.correct, result.percent) == (4, 3, 75.0)
    assert correct_option(items(module)[1]) is None


def test_a_checks_results_wait_for_the_reveal():
    assert not check_results_visible(has_voted=True, revealed=False, closed=False)
    assert check_results_visible(has_voted=False, revealed=True, closed=True)
    assert check_results_visible(has_voted=True, revealed=False, closed=True)
    assert not check_results_visible(has_voted=False, revealed=False, closed=True)


def test_a_revealed_check_does_not_reopen_when_live_again():
    assert opens_when_live(PollState.draft, revealed=False)
    assert opens_when_live(PollState.closed, revealed=False)
    assert not opens_when_live(PollState.closed, revealed=True)
    assert not opens_when_live(PollState.open, revealed=False)


# --- the store, on SQLite and PostgreSQL ------------------------------------------------------


def test_going_live_opens_the_item_and_moves_the_pointer(engine, module):
    first, poll, _ = items(module)
    assert not session_state(engine, SLUG).running
    reset(engine, poll.poll_id)  # the presenter's new round: a draft
    go_live(engine, SLUG, first.poll_id)
    assert session_state(engine, SLUG).live_item == first.poll_id
    assert current_round(engine, first.poll_id).state is PollState.open
    go_live(engine, SLUG, poll.poll_id)
    go_live(engine, SLUG, poll.poll_id)  # a double click
    assert session_state(engine, SLUG).live_item == poll.poll_id
    assert current_round(engine, poll.poll_id).state is PollState.open


def test_a_reveal_closes_the_check_once_and_is_kept_per_round(engine, module):
    first = items(module)[0]
    go_live(engine, SLUG, first.poll_id)
    record_attestation(engine, "p1", "v1", "physician", None)
    record_vote(engine, first.poll_id, "p1", "repeat_level_before_switch")
    assert not is_revealed(engine, first.poll_id, 1)
    assert reveal(engine, first.poll_id) == 1
    assert reveal(engine, first.poll_id) == 1  # a double click
    assert is_revealed(engine, first.poll_id, 1)
    assert current_round(engine, first.poll_id).state is PollState.closed
    go_live(engine, SLUG, first.poll_id)  # back to it: still closed, answers stay
    assert current_round(engine, first.poll_id).state is PollState.closed


def test_ending_the_session_reopens_the_poll_for_self_paced_learners(engine, module):
    first, poll, _ = items(module)
    go_live(engine, SLUG, first.poll_id)
    go_live(engine, SLUG, poll.poll_id)
    record_attestation(engine, "p1", "v1", "physician", None)
    record_vote(engine, poll.poll_id, "p1", "unsure")
    assert end_session(engine, SLUG, poll.poll_id, reopen=True)
    assert not end_session(engine, SLUG, poll.poll_id, reopen=True)  # a double click
    state = session_state(engine, SLUG)
    assert not state.running and state.ended_at is not None
    info = current_round(engine, poll.poll_id)
    assert (info.round, info.state) == (2, PollState.open)  # the room's round 1 is kept apart


def test_ending_a_session_whose_content_says_closed_leaves_the_poll_closed(engine, module):
    poll = items(module)[1]
    go_live(engine, SLUG, poll.poll_id)
    assert end_session(engine, SLUG, poll.poll_id, reopen=False)
    assert current_round(engine, poll.poll_id).state is PollState.closed


def test_check_ids_are_distinct_per_phase():
    assert check_poll_id("m", "q", "pre") != check_poll_id("m", "q", "post")
