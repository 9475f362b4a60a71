"""The page flow of the outcomes report: headings, paragraphs, tables and their cell formats.

Every text may be untrusted: `ReportDocument.clean` cleans and truncates it, and `drawable`
reduces it to what the font can draw (see `rounds.documents.pdf_text`). A table with no rows prints
"No data yet.".
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos
from fpdf.fonts import FontFace

from rounds.documents.pdf_text import (
    FAMILY,
    clean_text,
    drawable,
    ellipsis_for,
    register_fonts,
    truncate,
)

NO_DATA = "No data yet."
_CELL_LIMIT = 400  # characters per table cell: a row must fit on one page
TEXT_LIMIT = 5000  # characters per paragraph (the content schema's longest text)

_MARGIN = 18.0  # mm
_PT = 25.4 / 72  # mm per point
INK = (34, 34, 34)
MUTED = (85, 85, 85)
ACCENT = (0, 114, 178)  # Okabe-Ito blue
_HEADING_FILL = (230, 238, 245)


# --- cell formats ----------------------------------------------------------------------------


def as_number(value: object) -> float | None:
    """Return `value` as a finite float, or None when it is missing or not a number."""
    if value is None or isinstance(value, bool | str):
        return None
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def as_count(value: object) -> str | None:
    """Format a count with thousands separators. None when missing."""
    number = as_number(value)
    return None if number is None else f"{round(number):,}"


def as_percent(value: object) -> str | None:
    """Format a percentage with one decimal. None when missing."""
    number = as_number(value)
    return None if number is None else f"{number:.1f}%"


def as_points(value: object) -> str | None:
    """Format a change in percentage points, signed. None when missing."""
    number = as_number(value)
    return None if number is None else f"{number:+.1f}"


def as_decimal(value: object) -> str | None:
    """Format a number with one decimal. None when missing."""
    number = as_number(value)
    return None if number is None else f"{number:.1f}"


def as_text(value: object) -> str | None:
    """Return text cleaned for the PDF, or None when missing."""
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    return clean_text(value)


@dataclass(frozen=True)
class Column:
    """A table column: its heading, the row field it shows, how, and its share of the width."""

    heading: str
    field: str | int  # a column name, or a position in a tuple row
    format: Callable[[object], str | None]
    width: float  # a share of the table's width
    align: str = "RIGHT"


# --- the document ----------------------------------------------------------------------------


class ReportDocument(FPDF):
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

    def clean(self, value: object, limit: int = TEXT_LIMIT) -> str:
        """Return untrusted text cleaned and truncated for this document's font."""
        return truncate(clean_text(value), limit, self.ellipsis)

    def footer(self) -> None:
        self.set_y(-_MARGIN + 4)
        self.set_font(self.typeface, size=8)
        self.set_text_color(*MUTED)
        text = f"{self.footer_text} {self.dash} page {self.page_no()} of {{nb}}"
        self.cell(0, 5, drawable(self, text), align="C")

    def paragraph(
        self,
        text: str,
        *,
        style: str = "",
        size: float = 10,
        colour: tuple[int, int, int] = INK,
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
        self.set_draw_color(*ACCENT)
        self.set_line_width(0.4)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)
        self.paragraph(text, style="B", size=13, colour=ACCENT, after=1)

    def subheading(self, text: str) -> None:
        """Print a small bold heading inside a section."""
        self.keep_room(25)
        self.ln(1)
        self.paragraph(text, style="B", size=10.5, after=1)

    def note(self, text: str) -> None:
        """Print a small muted explanation."""
        self.paragraph(text, size=8.5, colour=MUTED)

    def table_of(
        self, columns: Sequence[Column], rows: Sequence[object], width: float | None = None
    ) -> None:
        """Print `rows` (mappings or sequences) as a table, or "No data yet." when empty.

        The table spans the page unless a `width` in mm is given (then it sits on the left).
        """
        if not rows:
            self.paragraph(NO_DATA, style="I", colour=MUTED)
            return
        self.set_font(self.typeface, size=9)
        self.set_text_color(*INK)
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
                    shown = column.format(field(row, column.field))
                    cells.append(self.dash if shown is None else self.clean(shown, _CELL_LIMIT))
                table.row([drawable(self, cell) for cell in cells])
        self.ln(2)


def field(row: object, field: str | int) -> object:
    """Return a row's value for a column, or None when the row lacks it."""
    try:
        return row[field]  # type: ignore[index]
    except (KeyError, IndexError, TypeError):
        return None


def records(frame: pd.DataFrame | None) -> list[dict]:
    """Return a frame's rows as dicts; none for a missing or empty frame."""
    if frame is None or not isinstance(frame, pd.DataFrame) or frame.empty:
        return []
    return frame.to_dict("records")
