"""In a real browser: the connection drops right after a vote and comes back.

The vote is then either stored exactly once or plainly reported as not saved, and the poll
page works again (Streamlit reconnects, the live results follow the poll again): the results
show and the vote can be changed.

The phone loses its network as a whole: the browser goes offline (Playwright's `set_offline`)
and the path to the server is cut (a TCP proxy between them is stopped), so both ends see the
connection end, as when a phone leaves the Wi-Fi. Offline emulation alone does not end an open
websocket: it holds frames back, and the connection may live through the outage unnoticed.
Chromium may also hold back the news of the cut until it is online again, so Streamlit may only
notice the outage once it is over; it then reconnects within a second.

Whether a vote sent just before the cut reaches the server is a matter of milliseconds, so a
second case makes sure of the other outcome: the network swallows the vote before the cut.
A last test has a proxy refuse the live-results stream for a while (the browser's EventSource
gives up on an HTTP error): the results still come back.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from rounds.store.engine import open_engine
from rounds.store.participants import new_participant_id, record_attestation
from rounds.store.votes import record_vote, vote_counts
from rounds.ui.poll_widgets import NOT_SAVED_MESSAGE
from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate, wait_for_cookie
from tests.browser.tour import MODULE, choose, module_url, settle
from tests.faults import Outage

POLL = f"{MODULE.slug}/{MODULE.poll.key}"
OUTAGE_MS = 5_000  # how long the phone stays without network
RECONNECT_MS = 60_000  # Streamlit pings the server with a growing pause; a busy machine is slow
STREAM_LOST = "Reconnecting to the live results"  # the live-results component's own notice
# Streamlit's view of its connection (its status widget says "Connecting" unless CONNECTED),
# recorded at every change: a reconnection takes well under a second and is easily missed.
RECORD_CONNECTION = """
if (window === window.top) {
  window.connectionStates = [];
  new MutationObserver(() => {
    const app = document.querySelector('[data-testid=stApp]');
    const state = app && app.dataset.testConnectionState;
    if (state && state !== window.connectionStates.at(-1)) window.connectionStates.push(state);
  }).observe(document, { subtree: true, childList: true, attributes: true });
}
"""


def connection_states(page) -> list[str]:
    """Return every connection state Streamlit has been in on this page, oldest first."""
    return page.evaluate("window.connectionStates")


def wait_until(page, condition, what, timeout_ms: int = TIMEOUT) -> None:
    """Poll `condition` (each 100 ms, up to `timeout_ms`) until it holds; fail saying `what()`."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"timed out waiting until {what()}")


def stored_votes(database) -> dict[str, int]:
    engine = open_engine(f"sqlite:///{database}")
    try:
        return vote_counts(engine, POLL, 1)
    finally:
        engine.dispose()


def someone_else_votes(database, option_key: str) -> None:
    engine = open_engine(f"sqlite:///{database}")
    try:
        someone = new_participant_id()
        record_attestation(engine, someone, "v1", "nurse", None)
        record_vote(engine, POLL, someone, option_key)
    finally:
        engine.dispose()


@pytest.mark.parametrize("lost", [False, True], ids=["vote-sent", "vote-lost-on-the-way"])
def test_a_vote_just_before_the_connection_drops_is_stored_once_or_reported(
    tmp_path, browser, lost
):
    """Vote and lose the network at once; with `lost`, the network swallows the vote first."""
    folder = tmp_path / "server"
    with running_server(folder) as server:
        network = Outage(("127.0.0.1", urlsplit(server).port))
        network.up()
        via = f"http://127.0.0.1:{network.port}"
        context = browser.new_context()
        context.add_init_script(RECORD_CONNECTION)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(module_url(via, "poll"))
        pass_gate(page)
        wait_for_cookie(context)
        vote_button = page.get_by_role("button", name="Vote")
        expect(vote_button).to_be_visible()
        settle(page)
        first, second = MODULE.poll.options[0], MODULE.poll.options[3]
        choose(page, MODULE.poll.question, first.label)
        settle(page)

        before = len(connection_states(page))
        assert connection_states(page)[-1] == "CONNECTED"
        if lost:
            network.stall()  # the vote leaves the phone but never reaches the server
        vote_button.click()
        context.set_offline(True)
        network.down()
        page.wait_for_timeout(OUTAGE_MS)  # the outage itself, not a wait for the page
        network.up()
        context.set_offline(False)

        def reconnected() -> bool:
            # Any state after `before` is a change from CONNECTED: the loss was noticed.
            return connection_states(page)[before:][-1:] == ["CONNECTED"]

        states = lambda: f"Streamlit reconnects (states: {connection_states(page)})"  # noqa: E731
        wait_until(page, reconnected, states, RECONNECT_MS)
        settle(page)
        results = live_results(page)
        expect(results.get_by_text(STREAM_LOST)).to_be_hidden(timeout=TIMEOUT)

        votes = stored_votes(folder / "rounds.db")  # final: the old connection is gone
        assert not (lost and votes), f"a vote the server never received was stored: {votes}"
        if votes:
            assert votes == {first.key: 1}
            expect(page.get_by_text(f"Your vote: {first.label}")).to_be_visible(timeout=TIMEOUT)
            expect(results.get_by_role("heading", name="Results so far (n = 1)")).to_be_visible()
        else:
            expect(page.get_by_text(NOT_SAVED_MESSAGE)).to_be_visible(timeout=TIMEOUT)
            page.get_by_role("button", name="Vote").click()  # enabled once connected again
            expect(page.get_by_text(f"Your vote: {first.label}")).to_be_visible(timeout=TIMEOUT)

        choose(page, MODULE.poll.question, second.label)
        page.get_by_role("button", name="Change my vote").click()
        expect(page.get_by_text(f"Your vote: {second.label}")).to_be_visible(timeout=TIMEOUT)
        expect(results.get_by_role("heading", name="Results so far (n = 1)")).to_be_visible()
        assert stored_votes(folder / "rounds.db") == {second.key: 1}
        someone_else_votes(folder / "rounds.db", first.key)  # the results show it by themselves
        expect(results.get_by_role("heading", name="Results so far (n = 2)")).to_be_visible()
        context.close()
        network.down()


def test_the_live_results_come_back_after_their_stream_was_refused(tmp_path, browser):
    """A proxy answers 503 while the server is away: the browser gives up, the page does not."""
    folder = tmp_path / "server"
    with running_server(folder) as server:
        network = Outage(("127.0.0.1", urlsplit(server).port))
        network.up()
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(module_url(f"http://127.0.0.1:{network.port}", "poll"))
        pass_gate(page)
        wait_for_cookie(context)
        settle(page)
        choose(page, MODULE.poll.question, MODULE.poll.options[0].label)
        settle(page)
        page.get_by_role("button", name="Vote").click()
        results = live_results(page)
        expect(results.get_by_role("heading", name="Results so far (n = 1)")).to_be_visible()

        refused = []

        def refuse(route) -> None:
            refused.append(route.request.url)
            route.fulfill(status=503)

        stream = "**/_rounds/live/**"
        context.route(stream, refuse)
        network.down()  # ends the open stream; its next attempts meet the 503
        page.wait_for_timeout(1_000)
        network.up()
        # The browser's own retry meets the 503 and gives up for good; any more are the page's.
        wait_until(page, lambda: len(refused) >= 3, lambda: f"3 attempts (saw {len(refused)})")
        expect(results.get_by_text(STREAM_LOST)).to_be_visible()
        context.unroute(stream)
        someone_else_votes(folder / "rounds.db", MODULE.poll.options[1].key)
        expect(results.get_by_role("heading", name="Results so far (n = 2)")).to_be_visible()
        expect(results.get_by_text(STREAM_LOST)).to_be_hidden()
        context.close()
        network.down()
