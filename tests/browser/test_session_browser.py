"""In a real browser: a whole meeting session, run by an educator with three phones in the room.

The console in one browser context, the screen view (the projector) in another, three phones
joining by the short code. A knowledge check before the talk, the opinion poll, the same check
after the talk, the reveal (from the console's buttons and the screen's keys N and A); the
phones and the screen follow each step without reloading; the dashboard shows the room's
paired gain for exactly those phones.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from rounds.rules.session import items
from rounds.store.engine import open_engine
from rounds.store.polls import current_round
from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PRE, POLL, POST = items(MODULE)
PASSWORD = "session-password"
PHONE = {"width": 390, "height": 844}
RIGHT = next(o.text for o in PRE.check.options if o.key == PRE.check.correct)
WRONG = next(o.text for o in PRE.check.options if o.key != PRE.check.correct)


@pytest.fixture
def session_server(tmp_path):
    env = {ENV_HASH: hash_password(PASSWORD, iterations=1000)}
    with running_server(tmp_path / "server", env) as base:
        yield base, tmp_path / "server" / "rounds.db"


def signed_in(browser, server: str, view: str, size: dict) -> Page:
    """Return an educator's view (`presenter`, the console, or `screen`) in a context of its own."""
    page = browser.new_context(viewport=size).new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server}/{view}?module={MODULE.slug}")
    pass_gate(page, "Physician")
    page.get_by_role("textbox", name="Educator password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


def educator(browser, server: str) -> Page:
    page = signed_in(browser, server, "presenter", {"width": 1280, "height": 900})
    expect(page.get_by_text(re.compile(r"Session · Not running"))).to_be_visible(timeout=TIMEOUT)
    return page


def projector(browser, server: str) -> Page:
    page = signed_in(browser, server, "screen", {"width": 1280, "height": 720})
    expect(page.get_by_role("heading", name=MODULE.poll.question)).to_be_visible(timeout=TIMEOUT)
    page.evaluate("window.sameDocument = true")
    return page


def phone_joins(browser, server: str, profession: str) -> Page:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server}/j/{MODULE.join_code}")  # the short code on the screen
    pass_gate(page, profession)
    expect(question(page, MODULE.poll.question)).to_be_visible(timeout=TIMEOUT)
    page.evaluate("window.sameDocument = true")  # gone if the page ever reloads
    return page


def question(page: Page, text: str):
    return page.get_by_role("radiogroup", name=text)


def answer(page: Page, text: str, label: str) -> None:
    question(page, text).get_by_text(label, exact=True).click()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text(re.compile(r"^Your (answer|vote):"))).to_be_visible(timeout=TIMEOUT)


def press(presenter: Page, name: str) -> None:
    try:
        presenter.get_by_role("button", name=name).click()
    except Exception:
        presenter.screenshot(path="/tmp/presenter_fail.png", full_page=True)
        raise


def test_a_whole_session_pre_check_poll_post_check_reveal_and_the_rooms_gain(
    session_server, browser
):
    server, database = session_server
    presenter = educator(browser, server)
    screen = projector(browser, server)
    phones = [phone_joins(browser, server, p) for p in ("Nurse", "Pharmacist", "Physician")]

    press(presenter, f"Start: {PRE.title}")
    expect(screen.get_by_role("heading", name=PRE.question)).to_be_visible(timeout=TIMEOUT)
    for phone in phones:  # each phone switches by itself, without a reload
        expect(question(phone, PRE.question)).to_be_visible(timeout=TIMEOUT)
        vote = phone.get_by_role("button", name="Vote")
        expect(vote).to_be_visible(timeout=TIMEOUT)
        # The question first and the Vote button on screen without scrolling, on a 390x844 phone.
        assert phone.evaluate("window.scrollY") == 0
        box = vote.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"]
        assert box["height"] >= 44
        for option in phone.get_by_test_id("stRadioOption").all():  # large tap targets
            assert option.bounding_box()["height"] >= 44
        # The question in the top third of the screen, under no more than the folded notices.
        assert phone.get_by_text(PRE.question).first.bounding_box()["y"] < PHONE["height"] / 3
        # Before the reveal nobody is told which option is right.
        expect(live_results(phone).get_by_text("(correct answer)")).to_have_count(0)
    answer(phones[0], PRE.question, WRONG)
    answer(phones[1], PRE.question, WRONG)
    answer(phones[2], PRE.question, RIGHT)
    expect(
        live_results(phones[0]).get_by_text(re.compile("once the presenter reveals"))
    ).to_be_visible(timeout=TIMEOUT)

    press(presenter, f"Next: {POLL.title}")
    for phone, option in zip(phones, MODULE.poll.options, strict=False):
        expect(question(phone, MODULE.poll.question)).to_be_visible(timeout=TIMEOUT)
        answer(phone, MODULE.poll.question, option.label)

    expect(screen.get_by_role("heading", name=MODULE.poll.question)).to_be_visible(timeout=TIMEOUT)
    screen.keyboard.press("n")  # the screen's key for the next question (the post-talk check)
    expect(screen.get_by_role("heading", name=POST.question)).to_be_visible(timeout=TIMEOUT)
    for phone in phones:
        expect(question(phone, POST.question)).to_be_visible(timeout=TIMEOUT)
        answer(phone, POST.question, RIGHT)
    screen.keyboard.press("a")  # the screen's key to reveal the answer
    for page in (*phones, presenter, screen):
        results = live_results(page)
        expect(results.get_by_text(f"✔ {RIGHT} (correct answer)")).to_be_visible(timeout=TIMEOUT)
        expect(results.get_by_text(f"✔ Correct answer: {RIGHT}")).to_be_visible(timeout=TIMEOUT)
        expect(results.get_by_text("100% chose the correct answer (3 of 3)")).to_be_visible(
            timeout=TIMEOUT
        )
    assert all(page.evaluate("window.sameDocument === true") for page in (*phones, screen))

    # Labels above full-width bars: no text of the results cut off at 390 or 360 px.
    for width in (390, 360):
        phones[0].set_viewport_size({"width": width, "height": 844})
        frame = phones[0].frame_locator("iframe[title*='live_results']").first
        expect(frame.get_by_text(f"✔ {RIGHT} (correct answer)")).to_be_visible(timeout=TIMEOUT)
        phones[0].wait_for_timeout(300)  # the frame's height follows its content
        clipped = frame.locator("body").evaluate(
            """body => [...body.querySelectorAll('.label, .value, h3, p')]
                .filter(e => !e.hidden && e.offsetParent !== null)
                .filter(e => e.scrollWidth > e.clientWidth + 1 ||
                    e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 ||
                    e.getBoundingClientRect().bottom > window.innerHeight + 1)
                .map(e => e.textContent)"""
        )
        assert clipped == [], (width, clipped)

    # The dashboard: the room's gain for exactly these three phones.
    presenter.goto(f"{server}/dashboard?module={MODULE.slug}&dash_tab=Learning")
    expect(
        presenter.get_by_role("heading", name="The room's own gain in the live session (n = 3)")
    ).to_be_visible(timeout=TIMEOUT)
    expect(
        presenter.get_by_text("33.3% correct before the talk, 100% after, a gain of +66.7 points")
    ).to_be_visible(timeout=TIMEOUT)

    # After the meeting: ending the session leaves the poll open for self-paced learners.
    presenter.goto(f"{server}/presenter?module={MODULE.slug}")
    press(presenter, "End session")
    expect(presenter.get_by_text(re.compile(r"Session · Not running"))).to_be_visible(
        timeout=TIMEOUT
    )
    late = phone_joins(browser, server, "Nurse")
    expect(late.get_by_role("button", name="Vote")).to_be_visible(timeout=TIMEOUT)
    expect(late.get_by_text("opens when the presenter starts it")).to_have_count(0)
    info = current_round(open_engine(f"sqlite:///{database}"), POLL.poll_id)
    assert (info.round, info.state.value) == (2, "open")  # the room's round 1 kept apart
