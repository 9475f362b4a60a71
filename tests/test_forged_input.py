"""Forged widget values sent straight over Streamlit's websocket protocol, as a script would.

A real server is started and a protocol-level client (`stclient/session.py`, shared with the load
generator's browser tab) sends what no browser would: options that are not in the poll, answers
off the scale, a question the module does not have, a vote after the poll closed, module and page
names with path characters. Each is refused with a message (or simply ignored), never a
traceback, and the database holds nothing from it; a genuine answer afterwards still counts, so a
test cannot pass because nothing is ever stored.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.proto.WidgetStates_pb2 import WidgetState

from deploy import replica
from rounds.content.loader import load_catalog
from rounds.rules.lifecycle import PollState
from rounds.store.engine import open_engine
from rounds.store.polls import set_state
from rounds.store.tables import evaluation_answers, quiz_answers, quiz_attempts, votes
from rounds.ui.poll_widgets import CLOSED_MESSAGE
from stclient.session import RunResult, Session
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
POLL = f"{MODULE.slug}/{MODULE.poll.key}"
QUERY = f"module={MODULE.slug}"
QUESTIONS = MODULE.quiz.questions
# What the evaluation form says to a value off its scale (Streamlit may pass it on, or drop it).
REFUSALS = ("That answer is not on the scale.", "Answer or skip every statement, please.")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> tuple[int, Path]:
    folder = tmp_path_factory.mktemp("forged")
    with replica.running(folder) as (port, _, _):
        yield port, folder / "rounds.db"


def run(scenario: Callable[[], Awaitable[None]]) -> None:
    """Run an async scenario on its own event loop (a browser test may hold this thread's)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()


def rows(database: Path, table, *where) -> int:
    engine = open_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table).where(*where)).scalar()
    finally:
        engine.dispose()


async def entered(port: int, page: str, query: str = QUERY) -> tuple[Session, RunResult]:
    """Open a page as a new visitor, pass the HCP gate; return the tab and the page's run."""
    tab = Session("127.0.0.1", port, page, query, timeout=30)
    await tab.open()
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    return tab, await tab.click("gate_submit")


def alerts(result: RunResult | None) -> list[str]:
    return result.texts("alert") if result else []


def assert_no_traceback(tab: Session) -> None:
    assert tab.counters.exceptions == 0, "the server drew an exception"
    assert tab.closed_reason is None, tab.closed_reason


def test_a_poll_option_that_does_not_exist_is_refused_and_not_stored(server):
    port, database = server

    async def scenario() -> None:
        tab, _ = await entered(port, "poll")
        for forged in ({"string_value": "<b>Option 99</b>"}, {"int_value": 99}):
            await tab.set_value("poll_choice", **forged)
            result = await tab.click("poll_vote")
            assert "Choose one of the options to vote." in alerts(result)
            assert_no_traceback(tab)
        assert rows(database, votes, votes.c.poll_id == POLL) == 0
        await tab.set_value("poll_choice", string_value=MODULE.poll.options[1].label)
        await tab.click("poll_vote")
        assert rows(database, votes, votes.c.poll_id == POLL) == 1
        await tab.close()

    run(scenario)


def test_a_vote_sent_after_the_poll_closed_is_refused_and_not_stored(server):
    port, database = server

    async def scenario() -> None:
        tab, _ = await entered(port, "poll")
        before = rows(database, votes, votes.c.poll_id == POLL)
        await tab.set_value("poll_choice", string_value=MODULE.poll.options[0].label)
        engine = open_engine(f"sqlite:///{database}")
        set_state(engine, POLL, PollState.closed)  # the presenter closes it meanwhile
        try:
            result = await tab.click("poll_vote")  # the tab still shows the Vote button
            assert CLOSED_MESSAGE in alerts(result)
            assert_no_traceback(tab)
            assert rows(database, votes, votes.c.poll_id == POLL) == before
        finally:
            set_state(engine, POLL, PollState.open)
            engine.dispose()
        await tab.close()

    run(scenario)


def test_quiz_answers_off_the_options_or_for_unknown_questions_are_not_stored(server):
    port, database = server

    async def scenario() -> None:
        tab, _ = await entered(port, "quiz", f"{QUERY}&phase=pre")
        first = QUESTIONS[0]
        await tab.set_value(f"pre_{first.key}", string_value="not one of the options")
        for question in QUESTIONS[1:]:
            key = f"pre_{question.key}"
            await tab.set_value(key, string_value=tab.options(key)[0])
        # A widget state for a question the module does not have, sent with the form's values.
        widget = tab.widget(f"pre_{first.key}")
        fake = widget.id.replace(first.key, "no_such_question")
        tab.form_states[widget.form_id][fake] = WidgetState(id=fake, string_value="A")
        result = await tab.click("pre_submit")
        assert "That answer is not one of the options." in alerts(result)
        assert_no_traceback(tab)
        assert rows(database, quiz_attempts) == 0  # no attempt begun, no answer stored
        assert rows(database, quiz_answers) == 0
        await tab.set_value(f"pre_{first.key}", string_value=tab.options(f"pre_{first.key}")[0])
        await tab.click("pre_submit")
        stored = rows(database, quiz_answers)
        assert stored == len(QUESTIONS)
        assert rows(database, quiz_answers, quiz_answers.c.question_key == "no_such_question") == 0
        await tab.close()

    run(scenario)


def test_evaluation_values_off_the_scale_are_refused_and_nothing_is_stored(server):
    port, database = server
    statements = MODULE.evaluation.statements

    async def scenario() -> None:
        tab, _ = await entered(port, "evaluation")
        for forged in ({"string_value": "7"}, {"int_value": 99}, {"string_value": "-1"}):
            await tab.set_value(f"eval_{statements[0].key}", **forged)
            for statement in statements[1:]:
                key = f"eval_{statement.key}"
                await tab.set_value(key, string_value=tab.options(key)[1])
            result = await tab.click("eval_submit")
            refusals = {
                "That answer is not on the scale.",
                "Answer or skip every statement, please.",
            }
            assert refusals & set(alerts(result)), alerts(result)
            assert_no_traceback(tab)
            assert rows(database, evaluation_answers) == 0  # not one statement of the form
        key = f"eval_{statements[0].key}"
        await tab.set_value(key, string_value=tab.options(key)[1])
        for statement in statements[1:]:
            key = f"eval_{statement.key}"
            await tab.set_value(key, string_value=tab.options(key)[1])
        await tab.click("eval_submit")
        assert rows(database, evaluation_answers) == len(statements)
        off_scale = ~evaluation_answers.c.value.between(1, 5)
        assert rows(database, evaluation_answers, off_scale) == 0
        await tab.close()

    run(scenario)


@pytest.mark.parametrize(
    "slug", ["../../etc/passwd", "..%2F..%2Fcontent%2Fsite.yaml", "asparaginase-aya-all%00", "%2F"]
)
def test_a_module_slug_with_path_characters_finds_no_module(server, slug):
    port, _ = server

    async def scenario() -> None:
        tab, result = await entered(port, "article", f"module={slug}")
        assert "There is no module at this address." in alerts(result)
        assert MODULE.title not in result.texts("heading")
        assert_no_traceback(tab)
        await tab.close()

    run(scenario)


@pytest.mark.parametrize("page", ["../app", "..%2Fviews%2Farticle", "views/article.py", "\\x00"])
def test_a_page_name_with_path_characters_opens_the_default_page(server, page):
    port, _ = server

    async def scenario() -> None:
        tab, _ = await entered(port, "")
        tab.page, tab.page_script_hash, tab.query = page, "", QUERY
        result = await tab.rerun()
        assert_no_traceback(tab)
        # Streamlit knows no such page: it runs the default one, the module list.
        assert result.texts("heading")[0] == "Learning modules"
        await tab.close()

    run(scenario)


def test_a_refused_evaluation_value_is_logged_cut_short(server):
    # (A poll option that is not in the poll never reaches the callback: Streamlit drops it.)
    port, database = server
    log = database.parent / "server.log"  # replica.running's log: the server's stderr
    statements = MODULE.evaluation.statements
    long_text = "free text " * 50

    async def scenario() -> None:
        tab, _ = await entered(port, "evaluation")
        for forged in ("7", long_text):
            await tab.set_value(f"eval_{statements[0].key}", string_value=forged)
            for statement in statements[1:]:
                key = f"eval_{statement.key}"
                await tab.set_value(key, string_value=tab.options(key)[1])
            await tab.click("eval_submit")
        await tab.close()

    run(scenario)
    lines = [line for line in log.read_text().splitlines() if "refused value" in line]
    field = f"module={MODULE.slug} field=eval_{statements[0].key}"
    assert any(
        f"WARNING rounds.ui.evaluation_widgets: refused value: {field} value='7'" in line
        for line in lines
    ), lines
    assert any(f"{field} value='free text free text" in line for line in lines), lines
    assert not any(long_text.strip() in line for line in lines)  # never logged in full
