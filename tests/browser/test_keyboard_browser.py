"""In a real browser: the whole learner path, gate to certificate, with the keyboard alone.

Only `page.keyboard` acts on the page (Tab, Shift+Tab, arrows, Space, Enter and typing); pages
are left by their own "Next: ..." links. Locators only read what is on screen.
"""

from __future__ import annotations

import io
import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.gate_steps import (
    SITE,
    TIMEOUT,
    expect_gate,
    live_results,
    wait_for_cookie,
)
from tests.browser.tour import MODULE, QUESTIONS, settle
from tests.peers import evaluate_as_peers

FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el.tagName === 'MAIN') {
    return {name: '', role: '', checked: false};  // the page itself, not a control
  }
  const label = el.closest('label');
  const name = el.getAttribute('aria-label') || (label && label.innerText) || el.innerText || '';
  const kind = el.tagName === 'INPUT' ? el.type : el.tagName.toLowerCase();
  const role = el.getAttribute('role') || kind;
  return {name: name.replace(/\\s+/g, ' ').trim(), role: role, checked: !!el.checked};
}"""
STEPS = 120  # at most this many key presses to reach one control


def focused(page: Page) -> dict:
    """Return the accessible name and role of the element that has the keyboard focus."""
    return page.evaluate(FOCUSED)


def tab_to(page: Page, name: str, role: str | None = None, *, backwards: bool = False) -> None:
    """Press Tab (or Shift+Tab) until the focused element's name contains `name`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(STEPS):
        page.keyboard.press(key)
        now = focused(page)
        if name in now["name"] and (role is None or now["role"] == role):
            return
    raise AssertionError(f"{key} never reached {role or 'an element'} named {name!r}")


def arrow_to(page: Page, label: str, key: str = "ArrowDown") -> None:
    """In a focused radio group, press an arrow key until the option `label` is checked."""
    for _ in range(12):
        now = focused(page)
        if now["name"] == label:
            if not now["checked"]:
                page.keyboard.press("Space")
            return
        page.keyboard.press(key)
    raise AssertionError(f"no option {label!r} in this radio group")


def follow(page: Page, link: str, heading: str) -> None:
    """Tab to an in-page link, press Enter and wait for the next page's heading."""
    settle(page)
    tab_to(page, link)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=TIMEOUT)
    settle(page)


def pass_gate_by_keyboard(page: Page) -> None:
    expect_gate(page)
    settle(page)
    tab_to(page, SITE.gate.attest_label)
    page.keyboard.press("Space")
    tab_to(page, "", "radio")  # into the profession group
    arrow_to(page, "Nurse")
    tab_to(page, "Enter", "button")
    page.keyboard.press("Enter")


def focus_lands_on(page: Page, heading: str) -> None:
    """Wait until the keyboard focus is on the heading (moved there by the page itself)."""
    page.wait_for_function(
        "name => document.activeElement.innerText.trim() === name", arg=heading, timeout=TIMEOUT
    )


def answer_quiz_by_keyboard(page: Page) -> None:
    tab_to(page, "Start the self-assessment")
    page.keyboard.press("Enter")
    for n, question in enumerate(QUESTIONS, 1):
        correct = next(o for o in question.options if o.key == question.correct)
        expect(page.get_by_text(question.prompt)).to_be_visible(timeout=TIMEOUT)
        settle(page)
        heading = f"Question {n} of {len(QUESTIONS)}"
        focus_lands_on(page, heading)  # each new question takes the focus: Tab goes on from it
        tab_to(page, "", "radio")
        arrow_to(page, correct.text)
        tab_to(page, "Check my answer")
        page.keyboard.press("Enter")
        expect(page.get_by_text(f"Correct. {correct.explanation}")).to_be_visible()
        settle(page)
        focus_lands_on(page, heading)  # the feedback's, read from the top
        tab_to(page, "See my result" if n == len(QUESTIONS) else "Next question")
        page.keyboard.press("Enter")
    expect(page.get_by_text("Your score: 100%")).to_be_visible()


def test_a_learner_completes_the_module_with_the_keyboard_alone(server, browser):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(server + "/")  # typed into the address bar: the only navigation not by key
    pass_gate_by_keyboard(page)
    expect(page.get_by_role("heading", name="Learning modules")).to_be_visible()
    wait_for_cookie(context)

    follow(page, "Open the module", MODULE.title)
    follow(page, "Next: self-assessment", "Self-assessment")
    answer_quiz_by_keyboard(page)

    evaluate_as_peers(server)  # everyone's answers show from 5 other participants
    follow(page, "Next: evaluation", "Evaluation")
    for _ in MODULE.evaluation.statements:  # Tab moves from one radio group to the next
        tab_to(page, "", "radio")
        arrow_to(page, "Agree", "ArrowRight")
    for statement in MODULE.evaluation.statements:
        group = page.get_by_role("radiogroup", name=statement.text)
        expect(group.get_by_role("radio", name="Agree", exact=True)).to_be_checked()
    tab_to(page, "Submit", "button")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="What participants said")).to_be_visible()

    follow(page, "Next: opinion poll", "Your opinion")
    tab_to(page, "", "radio")
    arrow_to(page, MODULE.poll.options[2].label)
    tab_to(page, "Vote", "button")
    page.keyboard.press("Enter")
    expect(live_results(page).get_by_text("Results so far (n = 1)")).to_be_visible()

    follow(page, "Next: completion", "Completion")
    tab_to(page, "Your name as it should appear on the certificate", "text")
    page.keyboard.type("Dr Ada Keyboard")
    download_button = page.get_by_role("button", name="Download my certificate (PDF)")
    expect(download_button).to_be_enabled()  # live as soon as a name is typed
    tab_to(page, "Download my certificate (PDF)")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Dr Ada Keyboard" in text
    assert re.search(r"100\s*%", text)
    context.close()
