"""The outcomes report of one module, as an A4 portrait PDF for the CME record.

The caller computes the figures (see `rounds.dashboard`) and passes them in an `Outcomes`;
this module only lays them out: participation, satisfaction, learning, commitment to change,
the poll and the disclosures. Every text may be untrusted: it is cleaned, truncated and reduced
to what the font can draw (see `rounds.documents.pdf_text`), and printed literally. An empty
table prints "No data yet.". The page flow and the cell formats are in
`rounds.documents.report_layout`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import pandas as pd

from rounds.documents.pdf_text import FAMILY, clean_text, format_date, truncate
from rounds.documents.report_layout import (
    ACCENT,
    MUTED,
    NO_DATA,
    Column,
    ReportDocument,
    as_count,
    as_decimal,
    as_number,
    as_percent,
    as_points,
    as_text,
    records,
)

__all__ = ["NO_DATA", "Outcomes", "outcomes_pdf"]

_LINE_LIMIT = 250  # characters in the title block's one-line fields


@dataclass(frozen=True)
class Outcomes:
    """The figures of one module over one period, as the outcomes report prints them.

    Frames: `funnel` [step, participants, pct_of_attested, conversion_pct]; `evaluation`
    [statement, n, pct_agree, median], one row per statement; `question_gain` [prompt,
    pre_pct_correct, post_pct_correct, gain_pct_points]; `poll` [round, simulated, label, count,
    percent], one table per round (without `round`, a single table). `commitment` holds statement, n
    and pct_agree. Percentages are 0-100; None or NaN prints as a dash. `selection` says
    what else narrowed the figures (a poll round, rehearsals counted); empty, it is not shown.
    The accreditation fields (statement, credit designation, faculty and planners with their
    disclosures, the activity's commercial support) print before the funders; a missing one
    prints "Not given.".
    """

    module_title: str
    published: datetime.date
    learning_objective: str
    period: str
    funnel: pd.DataFrame
    evaluation: pd.DataFrame
    commitment: dict | None
    pre_mean_pct: float | None
    post_mean_pct: float | None
    pass_rate_pct: float | None
    question_gain: pd.DataFrame
    poll_question: str | None
    poll: pd.DataFrame | None
    disclosures: list[str]
    funders: list[tuple[str, str]]
    funder_statement: str
    site_name: str
    generated_on: datetime.date
    selection: str = ""
    reviewed: datetime.date | None = None
    expires: datetime.date | None = None
    accreditation: str = ""  # the statement: accredited, or explicitly not
    credit_designation: str | None = None  # only for an accredited activity
    faculty: list[tuple[str, str, str]] = field(default_factory=list)  # name, role, disclosure
    planners: list[tuple[str, str, str]] = field(default_factory=list)
    commercial_support: str = ""
    supporters: list[str] = field(default_factory=list)
    # The room's own gain in a meeting session: [prompt, n, pre_pct_correct, post_pct_correct,
    # gain], one row per knowledge check run before and after the talk; None: no session.
    room_gain: pd.DataFrame | None = None


_FUNNEL = [
    Column("Step", "step", as_text, 3, "LEFT"),
    Column("Participants", "participants", as_count, 1.5),
    Column("% of attested", "pct_of_attested", as_percent, 1.5),
    Column("Conversion (nested steps)", "conversion_pct", as_percent, 2),
]
_EVALUATION = [
    Column("Statement", "statement", as_text, 6, "LEFT"),
    Column("n", "n", as_count, 1),
    Column("% agree", "pct_agree", as_percent, 1.3),
    Column("Median", "median", as_decimal, 1.3),
]
_GAIN = [
    Column("Question", "prompt", as_text, 5, "LEFT"),
    Column("Pre-test % correct", "pre_pct_correct", as_percent, 1.4),
    Column("Post-test % correct", "post_pct_correct", as_percent, 1.4),
    Column("Gain (points)", "gain_pct_points", as_points, 1.3),
]
_ROOM = [
    Column("Knowledge check", "prompt", as_text, 4.5, "LEFT"),
    Column("Answered both", "n", as_count, 1.2),
    Column("% correct before", "pre_pct_correct", as_percent, 1.3),
    Column("% correct after", "post_pct_correct", as_percent, 1.3),
    Column("Gain (points)", "gain", as_points, 1.2),
]
_POLL = [
    Column("Option", "label", as_text, 5, "LEFT"),
    Column("Votes", "count", as_count, 1.2),
    Column("Share", "percent", as_percent, 1.2),
]
_MEASURES = [Column("Measure", 0, as_text, 3, "LEFT"), Column("Value", 1, as_text, 1)]
_FUNDERS = [
    Column("Funder", 0, as_text, 3, "LEFT"),
    Column("Level of support", 1, as_text, 2, "LEFT"),
]
_PEOPLE = [
    Column("Name", 0, as_text, 2, "LEFT"),
    Column("Role", 1, as_text, 2, "LEFT"),
    Column("Disclosure of relevant financial relationships", 2, as_text, 3, "LEFT"),
]
_NOT_GIVEN = "Not given."


# --- sections --------------------------------------------------------------------------------


def _title_block(pdf: ReportDocument, outcomes: Outcomes) -> None:
    site = pdf.clean(outcomes.site_name, _LINE_LIMIT)
    if site:
        pdf.paragraph(site, size=10, colour=MUTED, after=0.5)
    pdf.paragraph("Outcomes report", style="B", size=20, colour=ACCENT, after=1)
    pdf.paragraph(pdf.clean(outcomes.module_title, _LINE_LIMIT), style="B", size=15)
    for label, value in (
        ("Released", format_date(outcomes.published)),
        ("Last reviewed", format_date(outcomes.reviewed) if outcomes.reviewed else ""),
        ("Expires", format_date(outcomes.expires) if outcomes.expires else ""),
        ("Period", pdf.clean(outcomes.period, _LINE_LIMIT) or pdf.dash),
        ("Selection", pdf.clean(outcomes.selection, _LINE_LIMIT)),
        ("Generated", format_date(outcomes.generated_on)),
    ):
        if value:
            pdf.paragraph(f"{label}: {value}", size=10, after=0.3)
    objective = pdf.clean(outcomes.learning_objective)
    if objective:
        pdf.ln(1.5)
        pdf.paragraph("Learning objective", style="B", size=10, after=0.3)
        pdf.paragraph(objective, style="I", size=10)


def _participation(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Participation")
    rows = records(outcomes.funnel)
    pdf.table_of(_FUNNEL, rows)
    if rows:
        pdf.note(
            "Each step counts the participants who reached it in the period, as a share of "
            "those who attested; steps are not nested (the pre-test is optional, the evaluation "
            "and the poll can come first). A conversion is given only where one step can be "
            "reached solely through another: passed from post-test, certificate from passed."
        )


def _satisfaction(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Satisfaction")
    rows = records(outcomes.evaluation)
    pdf.table_of(_EVALUATION, rows)
    if rows:
        pdf.note(
            "Answers on a 5-point scale from 1 (strongly disagree) to 5 (strongly agree). "
            "% agree: agree or strongly agree, among those who answered (n)."
        )


def _learning(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Learning")
    pre, post = as_number(outcomes.pre_mean_pct), as_number(outcomes.post_mean_pct)
    change = None if pre is None or post is None else as_points(post - pre)
    measures = [
        ("Mean pre-test score", as_percent(pre)),
        ("Mean post-test score", as_percent(post)),
        ("Change (points)", change),
        ("Post-test pass rate", as_percent(outcomes.pass_rate_pct)),
    ]
    if any(value is not None for _, value in measures):
        pdf.table_of(_MEASURES, measures, width=110)
    pdf.subheading("Per question")
    pdf.table_of(_GAIN, records(outcomes.question_gain))
    if outcomes.room_gain is not None:
        pdf.subheading("The room's own gain in the live session")
        pdf.table_of(_ROOM, records(outcomes.room_gain))
        pdf.note(
            "Knowledge checks run in the meeting before and after the talk, paired on the "
            "participants who answered both; rehearsals and simulated participants left out."
        )


def _commitment(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Commitment to change")
    found = outcomes.commitment if isinstance(outcomes.commitment, dict) else {}
    n = as_number(found.get("n"))
    if not n:
        pdf.paragraph(NO_DATA, style="I", colour=MUTED)
        return
    statement = pdf.clean(found.get("statement") or "")
    if statement:
        pdf.paragraph(f"“{statement}”" if pdf.typeface == FAMILY else f'"{statement}"', style="I")
    agree = as_percent(found.get("pct_agree")) or pdf.dash
    answers = as_count(n)
    pdf.paragraph(f"{agree} agree or strongly agree ({answers} answer{'s' if n != 1 else ''}).")
    label = pdf.clean(found.get("extra_label") or "", _LINE_LIMIT)
    extra = as_number(found.get("extra"))
    if label and extra is not None:
        quoted = f"“{label}”" if pdf.typeface == FAMILY else f'"{label}"'
        pdf.paragraph(f"{as_count(extra)} answered {quoted} (not counted above).")


def _votes(rows: list[dict]) -> str:
    total = sum(as_number(row.get("count")) or 0 for row in rows)
    return f"{as_count(total)} vote{'s' if total != 1 else ''}"


def _poll(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Poll summary")
    question = pdf.clean(outcomes.poll_question or "")
    rows = records(outcomes.poll)
    if not question and not rows:
        pdf.paragraph("This module has no poll.", style="I", colour=MUTED)
        return
    if question:
        pdf.paragraph(question, style="B")
    rounds: dict[object, list[dict]] = {}
    for row in rows:  # rows without a round are one table
        rounds.setdefault(row.get("round"), []).append(row)
    for number, part in rounds.items():
        if number is not None:
            rehearsal = " (rehearsal)" if part[0].get("simulated") in (True,) else ""
            pdf.subheading(f"Round {as_count(number) or pdf.dash}{rehearsal}: {_votes(part)}")
        pdf.table_of(_POLL, part)
    if not rows:
        pdf.table_of(_POLL, rows)
        return
    several = f", in {len(rounds)} rounds" if len(rounds) > 1 else ""
    pdf.note(f"{_votes(rows)} in the period{several}.")


def _given(pdf: ReportDocument, text: object) -> str:
    return pdf.clean(text or "") or _NOT_GIVEN


def _accreditation(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Accreditation")
    pdf.paragraph(_given(pdf, outcomes.accreditation))
    designation = pdf.clean(outcomes.credit_designation or "")
    if designation:
        pdf.paragraph(f"Credit designation: {designation}", style="B")
    for heading, people in (
        ("Faculty and authors", outcomes.faculty),
        ("Planners and reviewers", outcomes.planners),
    ):
        pdf.subheading(heading)
        if people:
            pdf.table_of(_PEOPLE, list(people))
        else:
            pdf.paragraph(_NOT_GIVEN, style="I", colour=MUTED)
    pdf.subheading("Commercial support for this activity")
    pdf.paragraph(_given(pdf, outcomes.commercial_support))
    for name in outcomes.supporters or []:
        if cleaned := pdf.clean(name):
            pdf.paragraph(f"{pdf.bullet} {cleaned}", after=0.5)


def _disclosures(pdf: ReportDocument, outcomes: Outcomes) -> None:
    pdf.heading("Disclosures")
    pdf.subheading("Module disclosures")
    disclosures = [pdf.clean(text) for text in outcomes.disclosures or []]
    disclosures = [text for text in disclosures if text]
    for text in disclosures or ["None declared."]:
        pdf.paragraph(f"{pdf.bullet} {text}" if disclosures else text, after=0.8)
    pdf.subheading("Site-wide funding")
    pdf.table_of(_FUNDERS, list(outcomes.funders or []))
    statement = pdf.clean(outcomes.funder_statement)
    if statement:
        pdf.paragraph(statement)


def outcomes_pdf(outcomes: Outcomes) -> bytes:
    """Render the outcomes report of one module as A4 portrait PDF bytes."""
    site = clean_text(outcomes.site_name)
    title = clean_text(outcomes.module_title)
    pdf = ReportDocument(footer_text=truncate(f"{site or 'Rounds'} outcomes report", 120, "..."))
    pdf.set_title(truncate(f"Outcomes report: {title}", 250, "..."))
    pdf.set_creator(truncate(site or "Rounds", 150, "..."))
    pdf.set_lang("en")
    pdf.add_page()
    for section in (
        _title_block,
        _participation,
        _satisfaction,
        _learning,
        _commitment,
        _poll,
        _accreditation,
        _disclosures,
    ):
        section(pdf, outcomes)
    return bytes(pdf.output())
