"""The room's own gain: a check run before and after the talk, paired on who answered both."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader
from sqlalchemy import insert, update

from rounds.content.loader import load_catalog
from rounds.dashboard import Filters, room_gain
from rounds.dashboard.outcomes import build_outcomes
from rounds.documents.report import outcomes_pdf
from rounds.rules.lifecycle import PollState
from rounds.rules.session import items
from rounds.store.participants import record_attestation
from rounds.store.polls import reset, set_state
from rounds.store.sessions import go_live
from rounds.store.tables import participants, votes
from rounds.store.votes import record_vote
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PRE, POLL, POST = items(MODULE)
RIGHT = PRE.check.correct
WRONG = next(o.key for o in PRE.options if o.key != RIGHT)


def person(engine, pid: str, simulated: bool = False) -> str:
    record_attestation(engine, pid, "v1", "nurse", None)
    if simulated:
        with engine.begin() as conn:
            conn.execute(
                update(participants).where(participants.c.id == pid).values(simulated=True)
            )
    return pid


def test_the_gain_pairs_only_those_who_answered_both(engine):
    go_live(engine, MODULE.slug, PRE.poll_id)
    answers = {"a": (WRONG, RIGHT), "b": (WRONG, RIGHT), "c": (RIGHT, RIGHT)}
    for pid, (pre, _) in answers.items():
        record_vote(engine, PRE.poll_id, person(engine, pid), pre)
    record_vote(engine, PRE.poll_id, person(engine, "only_pre"), RIGHT)
    record_vote(engine, PRE.poll_id, person(engine, "sim", simulated=True), WRONG)
    go_live(engine, MODULE.slug, POST.poll_id)
    for pid, (_, post) in answers.items():
        record_vote(engine, POST.poll_id, pid, post)
    record_vote(engine, POST.poll_id, person(engine, "only_post"), WRONG)
    record_vote(engine, POST.poll_id, "sim", RIGHT)

    [row] = room_gain(engine, MODULE).to_dict("records")
    assert row["question_key"] == PRE.check.key
    assert (row["n"], row["pre_pct_correct"], row["post_pct_correct"]) == (3, 33.3, 100.0)
    assert row["gain"] == 66.7
    assert room_gain(engine, MODULE, Filters(include_simulated=True))["n"].tolist() == [4]


def test_the_outcomes_report_prints_the_rooms_gain(engine):
    test_the_gain_pairs_only_those_who_answered_both(engine)
    site = load_catalog(CONTENT).site
    reader = PdfReader(io.BytesIO(outcomes_pdf(build_outcomes(engine, MODULE, site, Filters()))))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "The room's own gain in the live session" in text
    assert "3 33.3% 100.0% +66.7" in text


def test_a_rehearsal_round_of_a_check_is_left_out(engine):
    set_state(engine, POST.poll_id, PollState.open)
    record_vote(engine, PRE.poll_id, person(engine, "a"), WRONG)
    record_vote(engine, POST.poll_id, "a", RIGHT)
    rehearsal = reset(engine, PRE.poll_id, simulated=True)  # a rehearsal round of the check
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:  # were it counted, "a" would have been right before too
        conn.execute(
            insert(votes).values(
                poll_id=PRE.poll_id,
                round=rehearsal.round,
                participant_id="a",
                option_key=RIGHT,
                created_at=now,
                updated_at=now,
            )
        )
    [row] = room_gain(engine, MODULE).to_dict("records")
    assert row["n"] == 1 and row["gain"] == 100.0


def test_no_answers_yet_reads_as_nobody_paired(engine):
    [row] = room_gain(engine, MODULE).to_dict("records")
    assert row["n"] == 0 and row["gain"] is None
