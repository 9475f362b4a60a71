"""The outcomes report of one module, as an A4 portrait PDF for the CME record.

The caller computes the figures (see `rounds.dashboard`) and passes them in an `Outcomes`;
this module only lays them out: participation, satisfaction, learning, commitment to change,
the poll and the disclosures. Every text may be untrusted: it is cleaned, truncated and reduced
to what the font can draw (see `rounds.pdf_text`), and printed literally. An empty table prints
"No data yet.".
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from rounds.pdf_text import (
    FAMILY,
    clean_text,
    drawable,
    ellipsis_for,
    format_date,
    register_fonts,
    truncate,
)

NO_DATA = "No data yet."
_CELL_LIMIT = 400  # characters per table cell: a row must fit on one page
_TEXT_LIMIT = 5000  # characters per paragraph (the content schema's longest text)
_LINE_LIMIT = 250  # characters in the title block's one-line fields

_MARGIN = 18.0  # mm
_PT = 25.4 / 72  # mm per point
_INK = (34, 34, 34)
_MUTED = (85, 85, 85)
_ACCENT = (0, 114, 178)  # Okabe-Ito blue
_HEADING_FILL = (230, 238, 245)


@dataclass(frozen=True)
class Outcomes:
    """The figures of one module over one period, as the outcomes report prints them.

    Frames: `funnel` [step, participants, conversion_pct]; `evaluation` [statement, n,
    pct_agree, median], one row per statement; `question_gain` [prompt, pre_pct_correct,
    post_pct_correct, gain_pct_points]; `poll` [label, count, percent]. `commitment` holds
    statement, n and pct_agree. Percentages are 0-100; None or NaN prints as a dash.
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


# --- cell formats ----------------------------------------------------------------------------


def _number(value: object) -> float | None:
    """Return `value` as a finite float, or None when it is missing or not a number."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count(value: object) -> str | None:
    number = _number(value)
    return None if number is None else f"{round(number):,}"


def _percent(value: object) -> str | None:
    number = _number(value)
    return None if number is None else f"{number:.1f}%"


def _points(value: object) -> str | None:
    number = _number(value)
    return None if number is None else f"{number:+.1f}"


def _decimal(value: object) -> str | None:
    number = _number(value)
    return None if number is None else f"{number:.1f}"


def _text(value: object) -> str | None:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return clean_text(value)


@dataclass(frozen=True)
class _Column:
    heading: str
    field: str | int  # a column name, or a position in a tuple row
    format: Callable[[object], str | None]
    width: float  # a share of the table's width
    align: str = "RIGHT"


_FUNNEL = [
    _Column("Step", "step", _text, 3, "LEFT"),
    _Column("Participants", "participants", _count, 1.5),
    _Column("Conversion from previous step", "conversion_pct", _percent, 2),
]
_EVALUATION = [
    _Column("Statement", "statement", _text, 6, "LEFT"),
    _Column("n", "n", _count, 1),
    _Column("% agree", "pct_agree", _percent, 1.3),
    _Column("Median", "median", _decimal, 1.3),
]
_GAIN = [
    _Column("Question", "prompt", _text, 5, "LEFT"),
    _Column("Pre-test % correct", "pre_pct_correct", _percent, 1.4),
    _Column("Post-test % correct", "post_pct_correct", _percent, 1.4),
    _Column("Gain (points)", "gain_pct_points", _points, 1.3),
]
_POLL = [
    _Column("Option", "label", _text, 5, "LEFT"),
    _Column("Votes", "count", _count, 1.2),
    _Column("Share", "percent", _percent, 1.2),
]
_MEASURES = [_Column("Measure", 0, _text, 3, "LEFT"), _Column("Value", 1, _text, 1)]
_FUNDERS = [
    _Column("Funder", 0, _text, 3, "LEFT"),
    _Column("Level of support", 1, _text, 2, "LEFT"),
]


# --- the document ----------------------------------------------------------------------------


class _Report(FPDF):
    """An A4 portrait page flow with the report's headings, paragraphs, tables and footer."""

    def __init__(self, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_MARGIN + 4)
        self.typeface = register_fonts(self)
        self.ellipsis = ellipsis_for(self.typeface)
        self.dash = "–" if self.typeface == FAMILY else "-"
        self.bullet = "•" if self.typeface == FAMILY else "-"
        self.footer_text = footer_text

    def clean(self, value: object, limit: int = _TEXT_LIMIT) -> str:
        """Return untrusted text cleaned and truncated for this document's font."""
        return truncate(clean_text(value), limit, self.ellipsis)

    def footer(self) -> None:
        self.set_y(-_MARGIN + 4)
        self.set_font(self.typeface, size=8)
        self.set_text_color(*_MUTED)
        text = f"{self.footer_text} {self.dash} page {self.page_no()} of {{nb}}"
        self.cell(0, 5, drawable(self, text), align="C")

    def paragraph(
        self,
        text: str,
        *,
        style: str = "",
        size: float = 10,
        colour: tuple[int, int, int] = _INK,
        after: float = 1.5,
    ) -> None:
        """Print cleaned text as a paragraph across the page."""
        self.set_font(self.typeface, style=style, size=size)
        self.set_text_color(*colour)
        self.multi_cell(
            0,
            size * _PT * 1.35,
            drawable(self, text),
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(after)

    def keep_room(self, height: float) -> None:
        """Start a new page unless `height` mm are left on this one (no orphaned headings)."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def heading(self, text: str) -> None:
        """Print a section heading, on a new page if too little room is left below it."""
        self.keep_room(35)
        self.ln(4)
        self.set_draw_color(*_ACCENT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.paragraph(text, style="B", size=13, colour=_ACCENT, after=1)

    def subheading(self, text: str) -> None:
        """Print a small bold heading inside a section."""
        self.keep_room(25)
        self.ln(1)
        self.paragraph(text, style="B", size=10.5, after=1)

    def note(self, text: str) -> None:
        """Print a small muted explanation."""
        self.paragraph(text, size=8.5, colour=_MUTED)

    def table_of(
        self, columns: Sequence[_Column], rows: Sequence[object], width: float | None = None
    ) -> None:
        """Print `rows` (mappings or sequences) as a table, or "No data yet." when empty.

        The table spans the page unless a `width` in mm is given (then it sits on the left).
        """
        if not rows:
            self.paragraph(NO_DATA, style="I", colour=_MUTED)
            return
        self.set_font(self.typeface, size=9)
        self.set_text_color(*_INK)
        self.set_draw_color(190, 190, 190)
        self.set_line_width(0.2)
        with self.table(
            col_widths=tuple(c.width for c in columns),
            text_align=tuple(c.align for c in columns),
            headings_style=FontFace(emphasis="BOLD", fill_color=_HEADING_FILL),
            line_height=9 * _PT * 1.35,
            padding=1.2,
            width=width,
            align="LEFT",
        ) as table:
            table.row([drawable(self, c.heading) for c in columns])
            for row in rows:
                cells = []
                for column in columns:
                    shown = column.format(_field(row, column.field))
                    cells.append(self.dash if shown is None else self.clean(shown, _CELL_LIMIT))
                table.row([drawable(self, cell) for cell in cells])
        self.ln(2)


def _field(row: object, field: str | int) -> object:
    """Return a row's value for a column, or None when the row lacks it."""
    try:
        return row[field]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None


def _records(frame: pd.DataFrame | None) -> list[dict]:
    """Return a frame's rows as dicts; none for a missing or empty frame."""
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        return []
    return frame.to_dict("records")


# --- sections --------------------------------------------------------------------------------


def _title_block(pdf: _Report, outcomes: Outcomes) -> None:
    site = pdf.clean(outcomes.site_name, _LINE_LIMIT)
    if site:
        pdf.paragraph(site, size=10, colour=_MUTED, after=0.5)
    pdf.paragraph("Outcomes report", style="B", size=20, colour=_ACCENT, after=1)
    pdf.paragraph(pdf.clean(outcomes.module_title, _LINE_LIMIT), style="B", size=15)
    for label, value in (
        ("Published", format_date(outcomes.published)),
        ("Period", pdf.clean(outcomes.period, _LINE_LIMIT) or pdf.dash),
        ("Generated", format_date(outcomes.generated_on)),
    ):
        pdf.paragraph(f"{label}: {value}", size=10, after=0.3)
    objective = pdf.clean(outcomes.learning_objective)
    if objective:
        pdf.ln(1.5)
        pdf.paragraph("Learning objective", style="B", size=10, after=0.3)
        pdf.paragraph(objective, style="I", size=10)


def _participation(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Participation")
    rows = _records(outcomes.funnel)
    pdf.table_of(_FUNNEL, rows)
    if rows:
        pdf.note(
            "Each step counts the participants who reached it in the period; the conversion "
            "compares it with the step before, so it can exceed 100% where steps are optional "
            "or done in another order."
        )


def _satisfaction(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Satisfaction")
    rows = _records(outcomes.evaluation)
    pdf.table_of(_EVALUATION, rows)
    if rows:
        pdf.note(
            "Answers on a 5-point scale from 1 (strongly disagree) to 5 (strongly agree). "
            "% agree: agree or strongly agree, among those who answered (n)."
        )


def _learning(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Learning")
    pre, post = _number(outcomes.pre_mean_pct), _number(outcomes.post_mean_pct)
    change = None if pre is None or post is None else _points(post - pre)
    measures = [
        ("Mean pre-test score", _percent(pre)),
        ("Mean post-test score", _percent(post)),
        ("Change (points)", change),
        ("Post-test pass rate", _percent(outcomes.pass_rate_pct)),
    ]
    if any(value is not None for _, value in measures):
        pdf.table_of(_MEASURES, measures, width=110)
    pdf.subheading("Per question")
    pdf.table_of(_GAIN, _records(outcomes.question_gain))


def _commitment(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Commitment to change")
    found = outcomes.commitment if isinstance(outcomes.commitment, dict) else {}
    n = _number(found.get("n"))
    if not n:
        pdf.paragraph(NO_DATA, style="I", colour=_MUTED)
        return
    statement = pdf.clean(found.get("statement") or "")
    if statement:
        pdf.paragraph(f"“{statement}”" if pdf.typeface == FAMILY else f'"{statement}"', style="I")
    agree = _percent(found.get("pct_agree")) or pdf.dash
    answers = _count(n)
    pdf.paragraph(f"{agree} agree or strongly agree ({answers} answer{'s' if n != 1 else ''}).")


def _poll(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Poll summary")
    question = pdf.clean(outcomes.poll_question or "")
    rows = _records(outcomes.poll)
    if not question and not rows:
        pdf.paragraph("This module has no poll.", style="I", colour=_MUTED)
        return
    if question:
        pdf.paragraph(question, style="B")
    pdf.table_of(_POLL, rows)
    total = sum(_number(row.get("count")) or 0 for row in rows)
    if rows:
        pdf.note(f"{_count(total)} vote{'s' if total != 1 else ''} in the period.")


def _disclosures(pdf: _Report, outcomes: Outcomes) -> None:
    pdf.heading("Disclosures")
    pdf.subheading("Module disclosures")
    disclosures = [pdf.clean(text) for text in outcomes.disclosures or []]
    disclosures = [text for text in disclosures if text]
    for text in disclosures or ["None declared."]:
        pdf.paragraph(f"{pdf.bullet} {text}" if disclosures else text, after=0.8)
    pdf.subheading("Funding")
    pdf.table_of(_FUNDERS, list(outcomes.funders or []))
    statement = pdf.clean(outcomes.funder_statement)
    if statement:
        pdf.paragraph(statement)


def outcomes_pdf(outcomes: Outcomes) -> bytes:
    """Render the outcomes report of one module as A4 portrait PDF bytes."""
    site = clean_text(outcomes.site_name)
    title = clean_text(outcomes.module_title)
    pdf = _Report(footer_text=truncate(f"{site or 'Rounds'} outcomes report", 120, "..."))
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
        _disclosures,
    ):
        section(pdf, outcomes)
    return bytes(pdf.output())
