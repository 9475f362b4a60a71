"""In a real browser: one learner's whole module, and two voters who see each other live."""

from __future__ import annotations

import io

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from rounds.content.loader import load_catalog
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate, wait_for_cookie
from tests.conftest import CONTENT
from tests.peers import evaluate_as_peers

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
QUESTIONS = MODULE.quiz.questions


def choose(page: Page, question: str, label: str) -> None:
    """Pick the option with this label in the radio group whose label contains `question`."""
    group = page.get_by_role("radiogroup", name=question)  # a substring; a prompt may hold "/"
    group.get_by_text(label, exact=True).click()


def open_module_page(page: Page, server: str, path: str, extra: str = "") -> None:
    page.goto(f"{server}/{path}?module={MODULE.slug}{extra}")


def test_one_learner_completes_the_module_and_downloads_the_certificate(server, browser):
    context = browser.new_context(accept_downloads=True)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    open_module_page(page, server, "quiz", "&phase=pre")
    pass_gate(page)
    wait_for_cookie(context)
    for question in QUESTIONS:
        wrong = next(o for o in question.options if o.key != question.correct)
        choose(page, question.prompt, wrong.text)
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("Your before-reading answers are saved")).to_be_visible()

    open_module_page(page, server, "article")
    expect(page.get_by_role("heading", name="Key learning")).to_be_visible()

    open_module_page(page, server, "quiz")
    page.get_by_role("button", name="Start the self-assessment").click()
    for n, question in enumerate(QUESTIONS, 1):
        correct = next(o for o in question.options if o.key == question.correct)
        expect(page.get_by_text(question.prompt)).to_be_visible()
        choose(page, "Your answer", correct.text)
        page.get_by_role("button", name="Check my answer").click()
        expect(page.get_by_text(f"Correct. {correct.explanation}")).to_be_visible()
        page.get_by_role(
            "button", name="See my result" if n == len(QUESTIONS) else "Next question"
        ).click()
    expect(page.get_by_text("Your score: 100%")).to_be_visible()
    expect(page.get_by_text("Passed")).to_be_visible()

    evaluate_as_peers(server)  # everyone's answers show from 5 other participants
    open_module_page(page, server, "evaluation")
    for statement in MODULE.evaluation.statements:
        choose(page, statement.text, "Agree")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="What participants said")).to_be_visible()
    chart = page.locator("figure[role=img]")  # its accessible name: the numbers in sentences
    expect(chart).to_contain_text("Strongly agree")  # the legend
    assert chart.get_attribute("aria-label").startswith(MODULE.evaluation.statements[0].text[:40])

    open_module_page(page, server, "poll")
    expect(page.get_by_text("Module progress: 4 of 5 steps done")).to_be_visible()
    choose(page, MODULE.poll.question, MODULE.poll.options[0].label)
    page.get_by_role("button", name="Vote").click()
    expect(live_results(page).get_by_text("Results so far (n = 1)")).to_be_visible()
    # The vote reran only the poll's fragment, and the progress bar inside it ticked.
    expect(page.get_by_text("Module progress: 5 of 5 steps done")).to_be_visible()

    open_module_page(page, server, "completion")
    expect(page.get_by_text("You have completed this module.")).to_be_visible()
    name_box = page.get_by_role("textbox", name="Your name as it should appear on the certificate")
    name_box.fill("Dr Ada Example")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my certificate (PDF)").click()
    pdf = PdfReader(io.BytesIO(download.value.path().read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    flat = " ".join(text.split())
    assert "Dr Ada Example" in flat
    assert "100%" in text
    assert "Certificate of completion" in flat  # the module is not accredited, and says so
    assert " ".join(MODULE.accreditation.statement.split()) in flat
    assert not [u for u in requested if "plotly" in u]  # no learner page loads plotly.js
    context.close()


def test_two_voters_see_each_others_vote_within_three_seconds(server, browser):
    pages = []
    for profession in ("Nurse", "Pharmacist"):
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        open_module_page(page, server, "poll")
        pass_gate(page, profession)
        pages.append(page)
    first, second = pages
    choose(first, MODULE.poll.question, MODULE.poll.options[0].label)
    first.get_by_role("button", name="Vote").click()
    expect(live_results(first).get_by_text("Results so far (n = 1)")).to_be_visible()

    choose(second, MODULE.poll.question, MODULE.poll.options[1].label)
    second.get_by_role("button", name="Vote").click()
    # The outcome, waited for generously: how fast it arrives is measured in bench/, not here.
    for page in (first, second):
        expect(live_results(page).get_by_text("Results so far (n = 2)")).to_be_visible()
    for page in pages:
        page.context.close()
