"""A restart during a poll: votes kept, the participant still recognised (configured secret)."""

from __future__ import annotations

from playwright.sync_api import expect

from rounds.content.loader import load_catalog
from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, expect_gate, live_results, pass_gate, wait_for_cookie
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module


def test_after_a_restart_the_voter_is_recognised_and_the_vote_is_kept(tmp_path, browser):
    folder = tmp_path / "server"  # same data folder (database and kept secret) both times
    context = browser.new_context()
    option = MODULE.poll.options[1].label
    with running_server(folder) as server:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server}/poll?module={MODULE.slug}")
        pass_gate(page)
        wait_for_cookie(context)
        group = page.get_by_role("radiogroup", name=MODULE.poll.question)
        group.get_by_text(option, exact=True).click()
        page.get_by_role("button", name="Vote").click()
        expect(live_results(page).get_by_text("Results so far (n = 1)")).to_be_visible()

    with running_server(folder) as server:  # a new process, possibly on another port
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        page.goto(f"{server}/poll?module={MODULE.slug}")
        expect(page.get_by_text(f"Your vote: {option}")).to_be_visible()
        expect(live_results(page).get_by_text("Results so far (n = 1)")).to_be_visible()

    stranger = browser.new_context().new_page()
    with running_server(folder) as server:
        stranger.goto(f"{server}/poll?module={MODULE.slug}")
        expect_gate(stranger)
    context.close()
