"""The evaluation form (each statement answered or skipped) and everyone's answers."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow as pa
import streamlit as st

from rounds import resources
from rounds.content.schema import Module, Statement
from rounds.figures.agreement_html import agreement_html
from rounds.logs import refused
from rounds.rules.evaluation import EXTRA, SCALE, is_valid_value, shown_to_learners, summarise
from rounds.rules.quiz import MIN_PEERS
from rounds.store.evaluation import evaluation_counts, save_evaluation
from rounds.ui.outage import guarded_write
from rounds.ui.shared import Shared
from rounds.ui.tables import arrow_table
from rounds.ui.tracking import participant, record

SKIP = 0  # the radio value for "skip this statement"; stored as NULL
CHOICES = {**SCALE, SKIP: "Skip"}


def choices(statement: Statement) -> dict[int, str]:
    """Return a statement's answers: the scale, its own extra answer if any, then Skip."""
    extra = {EXTRA: statement.extra.label} if statement.extra else {}
    return {**SCALE, **extra, SKIP: "Skip"}


_REVISING = "eval_revising"  # the learner pressed "Change my answers"
log = logging.getLogger(__name__)


@guarded_write("eval_error", "Your evaluation")
def _submit(module: Module) -> None:
    answers = {}
    for statement in module.evaluation.statements:
        choice = st.session_state.get(f"eval_{statement.key}")
        if choice is None:
            st.session_state["eval_error"] = "Answer or skip every statement, please."
            return
        value = None if choice == SKIP else choice
        if not is_valid_value(value, statement):
            refused(log, module.slug, f"eval_{statement.key}", choice)
            st.session_state["eval_error"] = "That answer is not on the scale."
            return
        answers[statement.key] = value
    save_evaluation(resources.engine(), module.slug, participant(), answers)
    forget_results(module)  # the results drawn next include these answers
    record(module.slug, "evaluation_submitted")
    st.session_state.pop("eval_error", None)
    st.session_state.pop(_REVISING, None)
    st.session_state["eval_saved"] = True


def _revise() -> None:
    st.session_state[_REVISING] = True


def draw_answers(module: Module, stored: dict[str, int | None]) -> None:
    """Draw the learner's saved answers as one text, and the button that reopens the form."""
    lines = [
        f"- {s.text} **{choices(s).get(SKIP if stored[s.key] is None else stored[s.key], '?')}**"
        for s in module.evaluation.statements
        if s.key in stored
    ]
    st.markdown("**Your answers**\n\n" + "\n".join(lines))
    st.button("Change my answers", on_click=_revise, key="eval_revise")


def draw_form(module: Module, stored: dict[str, int | None]) -> bool:
    """Draw the statements, or the `stored` answers; return whether the saved answers show.

    Once answers are saved, they are shown as text with a button to change them: the form's
    radios are the heaviest part of the page and need not be drawn on every later visit. While
    they are being changed, the form is the whole page; everyone's answers follow once saved.
    """
    if stored and not st.session_state.get(_REVISING):
        draw_answers(module, stored)
        if st.session_state.pop("eval_saved", False):
            st.success("Thank you: your answers are saved. You can change them at any time.")
        return True
    st.markdown("How far do you agree with each statement? Answer or skip each one.")
    with st.form("eval_form"):
        for statement in module.evaluation.statements:
            previous = stored.get(statement.key, -1)
            previous = SKIP if previous is None else previous
            labels = choices(statement)
            options = list(labels)
            st.radio(
                statement.text,
                options,
                format_func=labels.get,
                index=options.index(previous) if previous in options else None,
                horizontal=True,
                key=f"eval_{statement.key}",
            )
        label = "Update my answers" if stored else "Submit"
        st.form_submit_button(
            label, type="primary", on_click=_submit, args=(module,), key="eval_submit"
        )
    if error := st.session_state.get("eval_error"):
        st.error(error)
    return False


def answer_counts(row: dict) -> str:
    """Say how many chose each answer to a statement (a row of `summarise`), in scale order,
    then its own answer where it has one, then how many skipped it."""
    counts = [f"{label} {row[f'count_{value}']}" for value, label in SCALE.items()]
    if isinstance(row.get("extra_label"), str):  # "I already do this", where asked
        counts.append(f"{row['extra_label']} {int(row['extra'])}")
    return ", ".join(counts) + f"; skipped {row['skipped']}"


def describe_summary(summary: pd.DataFrame) -> str:
    """Say the evaluation chart's numbers in sentences (its text equivalent for screen readers)."""
    sentences = []
    for row in summary.to_dict("records"):
        levels = ", ".join(f"{label} {row[f'pct_{value}']:g}%" for value, label in SCALE.items())
        sentences.append(f"{row['statement'].rstrip('.')} (n = {row['n']}): {levels}.")
    return " ".join(sentences)


# Everyone's answers, read once per module and shared by this process's learners for half a
# minute (a learner's own submission forgets them, so they see it counted at once); each run
# draws the kept chart and table.
_results = Shared(ttl_s=30.0, size=64)


def _read_results(module: Module) -> tuple[str, pa.Table, int] | None:
    everyone = summarise(
        module.evaluation.statements, evaluation_counts(resources.engine(), module.slug)
    )
    summary = shown_to_learners(everyone)
    if summary.empty:
        return None
    table = summary[["statement", "n", "pct_agree"]].rename(
        columns={"statement": "Statement", "n": "Answered (n)", "pct_agree": "% agree"}
    )
    # Shown as written ("66.7", "100"): a static table would print every float to 4 decimals.
    table["% agree"] = [f"{value:g}" for value in summary["pct_agree"]]
    # Each statement's counts in one column of words that wrap: a column per level (and one for
    # a statement's own answer, one for skips) made the table too wide for the page, cut off at
    # its right; four columns fit a phone's width too.
    table["Answers"] = [answer_counts(row) for row in summary.to_dict("records")]
    chart = agreement_html(summary, describe_summary(summary), heading="What participants said")
    return chart, arrow_table(table), len(everyone) - len(summary)


def shared_results(module: Module) -> tuple[str, pa.Table, int] | None:
    """Return everyone's answers as a chart (HTML for `st.html`), a table and the number of
    statements left out for too few answers; None while no statement has enough."""
    return _results.get((module.slug,), lambda: _read_results(module))


def forget_results(module: Module) -> None:
    """Drop the shared answers of this module, so the next run reads them again."""
    _results.forget((module.slug,))


def draw_results(module: Module) -> None:
    """Draw all participants' answers: a diverging bar chart (HTML) and the numbers as a table."""
    results = shared_results(module)
    if results is None:
        st.info(
            f"Everyone's answers appear here once {MIN_PEERS} other participants have answered."
        )
        return
    chart, table, left_out = results
    st.html(chart)  # no plotly.js on a learner's page; its heading: "What participants said"
    # A static table: its cells wrap, so every column fits the page's width (a data frame of
    # ten columns scrolled sideways, its last ones cut off at the right edge).
    st.table(table, hide_index=True, alt="What participants said, as numbers")
    if left_out:
        st.caption(
            f"Statements fewer than {MIN_PEERS} other participants answered are not shown yet."
        )
