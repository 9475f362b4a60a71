"""Drive one simulated browser tab into the states a learner's pages pass through (bench only).

Each function takes a tab past the gate and leaves it on a page in one state, so that a
benchmark can time that state's runs: a question of the self-assessment, the feedback on an
answer, the result, the evaluation's everyone's-answers view and the certificate.
"""

from __future__ import annotations

from rounds.content.schema import Module, Question
from stclient.session import Session, Widget

MODULE_QUERY = "module={slug}"


def _quiz_radio(tab: Session) -> Widget:
    """Return the radio of the question the self-assessment shows now."""
    return next(w for w in tab.widgets.values() if w.kind == "radio" and "-quiz_" in w.id)


def _user_key(widget: Widget) -> str:
    return widget.id.split("-", 2)[2]  # "$$ID-<hash>-<key>"


def _answer(question: Question, right: bool) -> str:
    """Return the label of the right (or a wrong) option of `question`."""
    options = {o.key: o.text for o in question.options}
    if right:
        return options[question.correct]
    return next(text for key, text in options.items() if key != question.correct)


async def answer_next(tab: Session, question: Question, *, right: bool = True) -> None:
    """Choose an option of the question shown and press Check."""
    radio = _quiz_radio(tab)
    await tab.set_value(_user_key(radio), string_value=_answer(question, right))
    check = next(w for w in tab.widgets.values() if "-quiz_check_" in w.id)
    await tab.click(_user_key(check))


async def quiz_question(tab: Session, module: Module) -> None:
    """Open the self-assessment and start it: its first question is shown."""
    await tab.goto("quiz", MODULE_QUERY.format(slug=module.slug))
    await tab.click("quiz_start")


async def quiz_feedback(tab: Session, module: Module) -> None:
    """Answer the first question: its feedback and the second question are shown."""
    await quiz_question(tab, module)
    await answer_next(tab, module.quiz.questions[0])


async def quiz_result(tab: Session, module: Module) -> None:
    """Answer every question right: every answer's feedback and the passing result are shown."""
    await quiz_question(tab, module)
    for question in module.quiz.questions:
        await answer_next(tab, question)


async def evaluation_results(tab: Session, module: Module) -> None:
    """Submit the evaluation: the learner's answers and everyone's are shown."""
    await tab.goto("evaluation", MODULE_QUERY.format(slug=module.slug))
    for statement in module.evaluation.statements:
        await tab.set_value(f"eval_{statement.key}", string_value="Agree")
    await tab.click("eval_submit")


async def evaluation_revising(tab: Session, module: Module) -> None:
    """Submit the evaluation, then reopen it: the form and everyone's answers are shown."""
    await evaluation_results(tab, module)
    await tab.click("eval_revise")


async def completed(tab: Session, module: Module, name: str = "") -> None:
    """Pass the self-assessment and submit the evaluation; open the completion page.

    With `name`, type it, so the certificate's download button is live.
    """
    await quiz_result(tab, module)
    await evaluation_results(tab, module)
    await tab.goto("completion", MODULE_QUERY.format(slug=module.slug))
    if name:
        await tab.set_value("cert_name", string_value=name)
