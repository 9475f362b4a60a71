"""In a real browser: the educator's console and the projector's screen view of one session.

The screen shows only the question, the live results, the QR code and the join address, and
fits the projector without scrolling; what the educator does on the console (or with the keys
on the screen) shows on the other view without a reload. Timings: bench/console_to_screen.py.
"""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from rounds.rules.educator import ENV_HASH, hash_password
from rounds.rules.lifecycle import PollState
from rounds.rules.progress import poll_id
from rounds.store.engine import open_engine
from rounds.store.polls import current_round
from tests.browser.conftest import running_server
from tests.browser.console_steps import (
    MODULE,
    PASSWORD,
    console_status,
    open_console,
    open_screen,
    screen_status,
)
from tests.browser.gate_steps import live_results

# Every element drawn on the page that lies (even partly) outside the window, and how tall the
# document is: the screen view must fit the projector with nothing to scroll to. (Streamlit's
# "skip to content" link waits above the window until a keyboard user tabs to it.)
OUTSIDE = """() => {
  const w = window.innerWidth, h = window.innerHeight;
  const outside = [...document.querySelectorAll('body *')]
    .filter(el => el.checkVisibility() && !el.closest('[data-testid=stSkipToContent]'))
    .filter(el => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0
        && (r.left < -0.5 || r.top < -0.5 || r.right > w + 0.5 || r.bottom > h + 0.5);
    })
    .map(el => `${el.tagName} ${el.getAttribute('data-testid') || el.className}`);
  return {outside, height: document.scrollingElement.scrollHeight, window: h};
}"""
# How many lines the join address takes (a wrap mid-word would make it two), and whether it
# stays inside its column (not run under the neighbouring chart or past the window).
URL_FITS = """() => {
  const url = document.querySelector('.rounds-url');
  const range = document.createRange();
  range.selectNodeContents(url);
  const rects = [...range.getClientRects()];
  const column = url.closest('[data-testid=stColumn]').getBoundingClientRect();
  return {
    lines: new Set(rects.map(r => Math.round(r.top))).size,
    inside: rects.every(r => r.left >= column.left - 0.5 && r.right <= column.right + 0.5),
  };
}"""


# A public address as long as a hospital's might be: it must still fit on one line.
LONG_URL = "http://rounds.continuing-education.university-hospital.example.org"


@pytest.fixture
def meeting(tmp_path):
    """Yield a server with an educator password, and its database."""
    env = {ENV_HASH: hash_password(PASSWORD, iterations=1000)}
    with running_server(tmp_path / "server", env) as base:
        engine = open_engine(f"sqlite:///{tmp_path / 'server' / 'rounds.db'}")
        yield base, engine
        engine.dispose()


def db_round(engine) -> tuple[int, PollState, bool]:
    info = current_round(engine, poll_id(MODULE))
    return info.round, info.state, info.simulated


def test_the_screen_view_fits_720p_and_1080p_with_nothing_but_the_poll(tmp_path, browser):
    env = {ENV_HASH: hash_password(PASSWORD, iterations=1000), "ROUNDS_PUBLIC_URL": LONG_URL}
    with running_server(tmp_path / "server", env) as server:
        console, _ = open_console(browser, server)
        screen = open_screen(browser, server, console)
        check_the_screen_fits(screen)


def check_the_screen_fits(screen: Page) -> None:
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        screen.set_viewport_size(size)
        expect(screen.get_by_role("heading", name=MODULE.poll.question)).to_be_visible()
        expect(screen.get_by_role("img", name=re.compile("QR code for"))).to_be_visible()
        address = LONG_URL.split("://")[1]
        expect(screen.get_by_text(f"{address}/j/{MODULE.join_code}")).to_be_visible()
        expect(screen.locator(".rounds-code")).to_have_text(MODULE.join_code)
        last = MODULE.poll.options[-1].label
        expect(live_results(screen).get_by_text(last, exact=True)).to_be_visible()
        screen.wait_for_timeout(500)  # the frame takes its new height after the resize
        found = screen.evaluate(OUTSIDE)
        assert found["outside"] == [], size
        assert found["height"] <= found["window"], size
        assert screen.evaluate(URL_FITS) == {"lines": 1, "inside": True}, size
        # No Streamlit header, running indicator or sidebar in the room's view, and no controls.
        for test_id in ("stHeader", "stStatusWidget", "stSidebar"):
            expect(screen.get_by_test_id(test_id)).to_be_hidden()
        for test_id in ("stCheckbox", "stNumberInput", "stButtonGroup"):
            expect(screen.get_by_test_id(test_id)).to_have_count(0)
        controls = re.compile("^(Open poll|Close poll|Open for|New round|Rehearse)")
        expect(screen.get_by_role("button", name=controls)).to_have_count(0)


def test_what_the_console_does_shows_on_the_screen_without_a_reload(meeting, browser):
    server, engine = meeting
    context, console = open_console(browser, server)
    screen = open_screen(browser, server, context)
    screen.evaluate("window.roundsNotReloaded = true")
    expect(screen_status(screen)).to_contain_text("Open for votes")

    console.get_by_role("button", name="Close poll").click()
    expect(screen_status(screen)).to_contain_text("Closed")
    console.get_by_role("button", name="Open poll").click()
    expect(screen_status(screen)).to_contain_text("Open for votes")

    chart = live_results(screen).locator("#chart")
    expect(chart).to_be_visible()
    console.get_by_role("button", name="Results").click()  # the pill: hide them on the screen
    expect(chart).to_be_hidden()
    console.get_by_role("button", name="Response count").click()
    expect(screen_status(screen)).to_have_text("Open for votes")  # no count
    console.get_by_role("button", name="Results").click()
    expect(chart).to_be_visible()

    console.get_by_text("Yes, archive this round and start a new one").click()
    console.get_by_role("button", name="New round").click()
    expect(screen_status(screen)).to_have_text("Not open yet")
    assert db_round(engine) == (2, PollState.draft, False)
    assert screen.evaluate("window.roundsNotReloaded") is True


def test_keys_on_the_screen_open_close_and_hide_results_and_the_console_follows(meeting, browser):
    server, engine = meeting
    context, console = open_console(browser, server)
    with context.expect_page() as opened:  # the console's link opens the screen in a new tab
        console.get_by_role("link", name=re.compile("Open the screen view")).click()
    expect(screen_status(opened.value)).to_contain_text("Open for votes")
    expect(opened.value).to_have_url(re.compile(rf"/screen\?module={MODULE.slug}$"))
    opened.value.close()
    screen = open_screen(browser, server, context)
    expect(screen_status(screen)).to_contain_text("Open for votes")
    screen.get_by_role("heading", name=MODULE.poll.question).click()  # the window has the focus

    screen.keyboard.press("o")
    expect(screen_status(screen)).to_contain_text("Closed")
    expect(console.get_by_role("button", name="Open poll")).to_be_visible()
    assert db_round(engine)[1] is PollState.closed
    screen.keyboard.press("o")
    expect(screen_status(screen)).to_contain_text("Open for votes")
    expect(console.get_by_role("button", name="Close poll")).to_be_visible()

    screen.keyboard.press("s")
    expect(live_results(screen).locator("#chart")).to_be_hidden()
    expect(console.get_by_text("The results are hidden on the screen.")).to_be_visible()
    screen.keyboard.press("s")
    expect(live_results(screen).locator("#chart")).to_be_visible()
    expect(console.get_by_text("The results are hidden on the screen.")).to_have_count(0)
    # The console lists the keys.
    expect(
        console.get_by_text(re.compile(r"Keys on the screen view: O open or close"))
    ).to_be_visible()


def expect_controls(console: Page, engine, rehearsal: bool) -> None:
    """Wait until the console's controls show the database's current round."""
    number, state, simulated = db_round(engine)
    assert simulated is rehearsal
    assert state is (PollState.open if rehearsal else PollState.draft)
    label = " (rehearsal): Open for votes" if rehearsal else ": Not open yet"
    expect(console_status(console)).to_contain_text(f"Round {number}{label}")
    expect(
        console.get_by_role("button", name="Close poll" if rehearsal else "Open poll")
    ).to_be_visible()
    expect(
        console.get_by_role("button", name="Open poll" if rehearsal else "Close poll")
    ).to_have_count(0)
    expect(live_results(console).get_by_role("heading")).to_contain_text(
        "Open for votes" if rehearsal else "Not open yet"
    )


def messages_in(received: list[float], seconds: float) -> int:
    """Return how many websocket messages the page received in the last `seconds`."""
    now = time.monotonic()
    return sum(1 for t in received if t > now - seconds)


def test_after_each_rehearsal_a_new_round_shows_the_databases_round(meeting, browser):
    server, engine = meeting
    _, console = open_console(browser, server)
    # The messages the page receives: a page rerunning itself in a loop (as the presenter page
    # did after a rehearsal, stale controls and all) receives hundreds a second, an idle console
    # a few (its count, once a second).
    received: list[float] = []
    console.on(
        "websocket",
        lambda ws: ws.on("framereceived", lambda _: received.append(time.monotonic())),
    )
    console.reload()  # signed in by its cookie; now with its websocket watched
    confirm = console.get_by_role("checkbox", name="Yes, archive this round and start a new one")
    for _ in range(5):
        before = db_round(engine)[0]
        console.get_by_role("button", name="Rehearse with simulated votes").click()
        expect(console_status(console)).to_contain_text(f"Round {before + 1} (rehearsal)")
        expect_controls(console, engine, rehearsal=True)
        console.get_by_text("Yes, archive this round and start a new one").click()
        expect(confirm).to_be_checked()
        console.get_by_role("button", name="New round").click()
        expect(console_status(console)).to_contain_text(f"Round {before + 2}: Not open yet")
        expect_controls(console, engine, rehearsal=False)
        expect(confirm).not_to_be_checked()
        expect(console.get_by_text("Tick the confirmation box")).to_have_count(0)
        console.wait_for_timeout(2000)
        # Idle, it receives its count each second (14 messages); the old rerun loop, 475-1626.
        assert 0 < messages_in(received, 2) < 100
    assert db_round(engine) == (11, PollState.draft, False)
