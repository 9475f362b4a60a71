"""In a real browser on a phone: the post-test one question per screen, Next, focus and reload.

On a 390x844 touch screen the quiz was one growing page: after "Check my answer" the next
question started below the fold, with no Next button and no "Question 2 of 4".
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.gate_steps import TIMEOUT, pass_gate, wait_for_cookie
from tests.browser.tour import QUESTIONS, choose, module_url, settle

PHONE = {"width": 390, "height": 844}
TOTAL = len(QUESTIONS)

# Where keyboard focus is, and whether that element is on the screen.
FOCUSED = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  return {tag: el.tagName, text: el.innerText.trim(), top: r.top,
          inside: r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0,
          upper: r.top < window.innerHeight / 2};
}"""


def heading(page: Page, number: int):
    return page.get_by_role("heading", name=f"Question {number} of {TOTAL}")


def check(page: Page, index: int) -> None:
    """Choose the right answer to question `index` and check it."""
    question = QUESTIONS[index]
    correct = next(o for o in question.options if o.key == question.correct)
    choose(page, "Your answer", correct.text)
    page.get_by_role("button", name="Check my answer").tap()
    expect(page.get_by_text(f"Correct. {correct.explanation}")).to_be_visible()


def expect_focus_on(page: Page, number: int) -> None:
    """Wait until the question's heading has keyboard focus, then check it is on screen."""
    page.wait_for_function(
        "name => document.activeElement.innerText.trim() === name",
        arg=f"Question {number} of {TOTAL}",
        timeout=TIMEOUT,
    )
    page.wait_for_timeout(300)  # a smooth scroll, if the browser does one, comes to rest
    focused = page.evaluate(FOCUSED)
    assert focused["tag"] == "H3", focused
    assert focused["inside"], f"the focused heading is off screen: {focused}"
    assert focused["upper"], f"the question starts low on the screen: {focused}"


def learner_phone(browser, server: str, page_name: str):
    """Return a new phone past the gate on a module page, and its context (to close)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(module_url(server, page_name))
    pass_gate(page)
    wait_for_cookie(context)
    return context, page


def post_test_on_a_phone(browser, server: str):
    """Return a new phone at the post-test's first question, and its context."""
    context, page = learner_phone(browser, server, "quiz")
    page.get_by_role("button", name="Start the self-assessment").tap()
    return context, page


def test_the_post_test_on_a_phone_is_one_question_per_screen(server, browser):
    context, page = post_test_on_a_phone(browser, server)

    expect(heading(page, 1)).to_be_visible()
    expect(page.get_by_role("radiogroup")).to_have_count(1)  # one question's options only
    expect(page.get_by_text(QUESTIONS[1].prompt)).to_have_count(0)
    check(page, 0)
    expect(page.get_by_role("radiogroup")).to_have_count(0)  # its feedback instead
    page.get_by_role("button", name="Next question").dblclick()  # a double tap does no harm

    expect(heading(page, 2)).to_be_visible()
    expect(page.get_by_text(QUESTIONS[1].prompt)).to_be_visible()
    expect(page.get_by_role("radiogroup")).to_have_count(1)
    expect(page.get_by_text(QUESTIONS[0].prompt)).to_have_count(0)
    expect_focus_on(page, 2)
    settle(page)
    expect(heading(page, 2)).to_be_visible()  # the double tap skipped no question

    check(page, 1)  # answered and stored; then the page is reloaded before Next
    page.reload()
    expect(heading(page, 3)).to_be_visible()  # the first question not answered
    expect(page.get_by_text(QUESTIONS[2].prompt)).to_be_visible()
    expect(page.get_by_role("radiogroup")).to_have_count(1)

    for index in range(2, TOTAL):
        expect(heading(page, index + 1)).to_be_visible()
        check(page, index)
        last = index == TOTAL - 1
        page.get_by_role("button", name="See my result" if last else "Next question").tap()
        if not last:
            expect_focus_on(page, index + 2)
    expect(page.get_by_text(f"Your score: 100% ({TOTAL} of {TOTAL})")).to_be_visible()
    context.close()


def test_a_wrong_answer_marks_the_chosen_option_wrong_and_the_right_one_right(server, browser):
    """On a phone: two boxes, each saying in words and with a sign which answer it is about."""
    context, page = post_test_on_a_phone(browser, server)
    question = QUESTIONS[0]
    wrong = next(o for o in question.options if o.key != question.correct)
    right = next(o for o in question.options if o.key == question.correct)
    choose(page, "Your answer", wrong.text)
    page.get_by_role("button", name="Check my answer").tap()
    chosen = page.locator("[data-testid=stAlertContentError]")
    correct = page.locator("[data-testid=stAlertContentSuccess]")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text(f"✗ Not quite. {wrong.explanation}")
    expect(chosen).not_to_contain_text(right.explanation)  # the red box holds only the chosen
    expect(correct).to_have_count(1)
    expect(correct).to_contain_text(f"✓ The right answer: {right.text.rstrip('.')}.")
    expect(correct).to_contain_text(right.explanation)
    context.close()


def test_completion_on_a_phone_lists_what_is_missing_instead_of_congratulating(server, browser):
    """A learner who opened no article and took no test is not told the module is complete."""
    context, page = learner_phone(browser, server, "completion")
    expect(page.get_by_text("you still need to:")).to_be_visible()
    for label in ("Read the article", "Pass the self-assessment", "Submit the evaluation"):
        expect(page.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_text("You have completed this module.")).to_have_count(0)
    expect(page.get_by_role("button", name="Download my certificate (PDF)")).to_have_count(0)
    context.close()
