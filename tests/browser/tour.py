"""Every page of Rounds in its main states, in the order a person meets them.

The accessibility scan, the phone checks and `scripts/screenshots.py` walk this list in one
browser tab, so each stop starts where the previous one left off (the gate is passed at `home`,
the quiz is answered before `completion`). To cover a new page, add one `Stop` line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page, expect

from rounds.content.loader import load_catalog
from rounds.rules.educator import ENV_HASH, hash_password
from tests.browser.gate_steps import (
    TIMEOUT,
    expect_gate,
    figure,
    live_results,
    pass_gate,
    wait_for_cookie,
)
from tests.conftest import CONTENT
from tests.peers import evaluate_as_peers

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
QUESTIONS = MODULE.quiz.questions
EDUCATOR_PASSWORD = "tour-password"
SETTLE_TIMEOUT = 60_000  # ms; a fresh server's first run is slow on a busy two-core machine
# Visible charts and tables draw after the script run ends (Plotly is loaded on first use).
DRAWN = """() => {
  const all = (testid, part) => [...document.querySelectorAll(`[data-testid=${testid}]`)]
    .every(element => !element.checkVisibility() || element.querySelector(part));
  return document.fonts.status === 'loaded'
    && all('stPlotlyChart', '.main-svg') && all('stDataFrame', 'canvas');
}"""


def educator_env() -> dict[str, str]:
    """Return the server environment that switches the educator pages on for the tour."""
    return {ENV_HASH: hash_password(EDUCATOR_PASSWORD, iterations=1000)}


def settle(page: Page) -> None:
    """Wait until the script run is over and every element has drawn (no placeholder left)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=SETTLE_TIMEOUT)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=SETTLE_TIMEOUT)
    page.wait_for_function(DRAWN, timeout=SETTLE_TIMEOUT)


def shown(locator) -> None:
    """Wait (up to the tour's timeout) until the locator is visible."""
    expect(locator).to_be_visible(timeout=TIMEOUT)


def module_url(base: str, path: str) -> str:
    """Return the URL of a module page for the tour's module."""
    return f"{base}/{path}?module={MODULE.slug}"


def choose(page: Page, group: str, label: str) -> None:
    """Pick the option `label` in the radio group whose name contains `group`."""
    radios = page.get_by_role("radiogroup", name=group)  # a substring; a prompt may hold "/"
    radios.get_by_text(label, exact=True).click()


def heading(page: Page, name: str) -> None:
    """Wait until a heading with this (partial) name is visible."""
    shown(page.get_by_role("heading", name=name).first)


def answer(page: Page, question_index: int, right: bool) -> None:
    """Answer one post-test question (right or wrong) and wait for its feedback."""
    question = QUESTIONS[question_index]
    option = next(o for o in question.options if (o.key == question.correct) == right)
    shown(page.get_by_text(question.prompt))
    choose(page, "Your answer", option.text)
    page.get_by_role("button", name="Check my answer").click()
    verdict = "Correct." if right else "Not quite."
    shown(page.get_by_text(f"{verdict} {option.explanation}"))


def sign_in_as_educator(page: Page) -> None:
    """Type the educator password and sign in."""
    page.get_by_role("textbox", name="Educator password").fill(EDUCATOR_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


# --- how each stop is reached -----------------------------------------------------------------


def _gate(page: Page, base: str) -> None:
    page.goto(base + "/")
    expect_gate(page)


def _home(page: Page, base: str) -> None:
    pass_gate(page)
    wait_for_cookie(page.context)
    heading(page, "Learning modules")


def _quiz_start(page: Page, base: str) -> None:
    page.goto(module_url(base, "quiz"))
    shown(page.get_by_role("button", name="Start the self-assessment"))


def _quiz_question(page: Page, base: str) -> None:
    page.get_by_role("button", name="Start the self-assessment").click()
    shown(page.get_by_role("radiogroup", name="Your answer"))


def _quiz_feedback(page: Page, base: str) -> None:
    answer(page, 0, right=False)


def _next(page: Page) -> None:
    """Leave a question's feedback: the next question, or the result after the last."""
    page.get_by_role("button", name=re.compile("^(Next question|See my result)$")).click()


def _quiz_result(page: Page, base: str) -> None:
    _next(page)
    for index in range(1, len(QUESTIONS)):
        answer(page, index, right=True)
        _next(page)
    shown(page.get_by_text("Your score:"))


def _evaluation_form(page: Page, base: str) -> None:
    page.goto(module_url(base, "evaluation"))
    shown(page.get_by_role("button", name="Submit"))


def _evaluation_results(page: Page, base: str) -> None:
    evaluate_as_peers(base)  # everyone's answers show from 5 other participants
    for statement in MODULE.evaluation.statements:
        choose(page, statement.text, "Agree")
    page.get_by_role("button", name="Submit").click()
    shown(page.get_by_role("heading", name="What participants said"))


def _poll_before(page: Page, base: str) -> None:
    page.goto(module_url(base, "poll"))
    shown(page.get_by_role("button", name="Vote"))


def _poll_results(page: Page, base: str) -> None:
    choose(page, MODULE.poll.question, MODULE.poll.options[1].label)
    page.get_by_role("button", name="Vote").click()
    shown(live_results(page).get_by_role("heading", name=re.compile(r"Results so far \(n = \d+\)")))


def _completion(page: Page, base: str) -> None:
    page.goto(module_url(base, "completion"))
    box = page.get_by_role("textbox", name="Your name as it should appear on the certificate")
    box.fill("Dr Ada Example")
    expect(page.get_by_role("button", name="Download my certificate (PDF)")).to_be_enabled()


def _educator_sign_in(page: Page, base: str) -> None:
    page.goto(module_url(base, "presenter"))
    shown(page.get_by_role("textbox", name="Educator password"))


def _presenter(page: Page, base: str) -> None:
    sign_in_as_educator(page)
    shown(live_results(page).get_by_role("heading", name=re.compile(r"\d+ responses?$")))


def _screen(page: Page, base: str) -> None:
    page.goto(module_url(base, "screen"))  # the projector's view, opened from the console
    shown(live_results(page).get_by_role("heading", name=re.compile(r"\d+ responses?$")))


def _dashboard(page: Page, base: str) -> None:
    # Signed in at the presenter: the browser's sign-in cookie keeps it for the dashboard.
    page.goto(module_url(base, "dashboard"))
    heading(page, "Dashboard")
    shown(figure(page).locator(".js-plotly-plot").first)  # the funnel, drawn


def opened(path: str, shows: str) -> Callable[[Page, str], None]:
    """Return a step that opens a module page and waits for `shows`.

    A page with nothing to do but open needs only this: `Stop("name", opened("path", "Heading"))`.
    """

    def reach(page: Page, base: str) -> None:
        page.goto(module_url(base, path))
        heading(page, shows)

    return reach


@dataclass(frozen=True)
class Stop:
    """One page in one state: its name (also the screenshot's) and how to bring it about."""

    name: str
    reach: Callable[[Page, str], None]


TOUR: list[Stop] = [
    Stop("gate", _gate),
    Stop("home", _home),
    Stop("article", opened("article", "Key learning")),
    Stop("quiz", _quiz_start),
    Stop("quiz-question", _quiz_question),
    Stop("quiz-feedback", _quiz_feedback),
    Stop("quiz-result", _quiz_result),
    Stop("evaluation", _evaluation_form),
    Stop("evaluation-results", _evaluation_results),
    Stop("poll", _poll_before),
    Stop("poll-results", _poll_results),
    Stop("completion", _completion),
    Stop("educator-sign-in", _educator_sign_in),
    Stop("presenter", _presenter),
    Stop("screen", _screen),
    Stop("dashboard", _dashboard),
]


def walk(page: Page, base: str, at_each: Callable[[Stop], None]) -> None:
    """Go through the whole tour in `page`, calling `at_each` once each stop is reached."""
    page.set_default_timeout(TIMEOUT)
    for stop in TOUR:
        stop.reach(page, base)
        settle(page)
        at_each(stop)
