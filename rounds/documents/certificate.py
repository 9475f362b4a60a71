"""A one-page A4 landscape certificate of completion, as PDF bytes, from untrusted text.

Every text field may hold anything a visitor or author typed: control characters are stripped,
whitespace is collapsed, long fields are truncated, and characters the chosen font cannot draw
become "?". Text is printed literally (no Markdown or HTML). DejaVu Sans is used when installed
(Debian package fonts-dejavu-core); otherwise the core Helvetica font with text reduced to
latin-1. The layout shrinks as needed so everything stays on one page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, XPos, YPos

from rounds.documents import pdf_text
from rounds.documents.pdf_text import clean_text, drawable, ellipsis_for, format_date, truncate

__all__ = ["NAME_LIMIT", "certificate_pdf", "clean_text", "format_date", "truncate"]

_FONT_DIR = pdf_text.FONT_DIR  # tests point this elsewhere to force the core font
_FAMILY = pdf_text.FAMILY

NAME_LIMIT = 120
_LIMITS = {"site": 150, "title": 250, "objective": 600, "accreditation": 600, "verify": 200}
NOT_ACCREDITED = "This activity is not accredited. This certificate records completion only."

_PAGE_W, _PAGE_H = 297.0, 210.0
_FRAME = 12.0  # outer border inset, mm
_MARGIN = 30.0  # text inset from the page edge, mm
_SCALES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.42)
_PT = 25.4 / 72  # mm per point
_INK = (34, 34, 34)
_MUTED = (85, 85, 85)
_ACCENT = (0, 114, 178)  # Okabe-Ito blue


@dataclass(frozen=True)
class _Block:
    text: str
    style: str  # "", "B" or "I"
    size: float  # points, at scale 1
    colour: tuple[int, int, int]
    space_before: float  # mm, at scale 1


def _new_pdf() -> tuple[FPDF, str]:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    return pdf, pdf_text.register_fonts(pdf, _FONT_DIR)


def _place(pdf: FPDF, family: str, block: _Block, scale: float, *, dry_run: bool) -> float:
    pdf.set_font(family, style=block.style, size=block.size * scale)
    pdf.set_text_color(*block.colour)
    text = drawable(pdf, block.text)
    line_height = block.size * scale * _PT * 1.3
    return pdf.multi_cell(
        w=0,
        h=line_height,
        text=text,
        align=Align.C,
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
        dry_run=dry_run,
        output=MethodReturnValue.HEIGHT,
    )


def _layout_height(pdf: FPDF, family: str, blocks: list[_Block], scale: float) -> float:
    return sum(
        block.space_before * scale + _place(pdf, family, block, scale, dry_run=True)
        for block in blocks
    )


def _accreditation_blocks(designation: str | None, statement: str, ellipsis: str) -> list[_Block]:
    """The module's own accreditation wording; without a statement, the not-accredited line."""
    limit = _LIMITS["accreditation"]
    designation = truncate(clean_text(designation or ""), limit, ellipsis)
    statement = truncate(clean_text(statement), limit, ellipsis)
    if not designation:
        return [_Block(statement or NOT_ACCREDITED, "", 11, _MUTED, 6)]
    return [
        _Block(statement, "", 10, _MUTED, 6),
        _Block(f"Credit designation: {designation}", "B", 11, _INK, 2),
    ]


def _id_block(certificate_id: str | None, verify_url: str | None, ellipsis: str) -> list[_Block]:
    if not certificate_id:
        return []
    line = f"Certificate id: {clean_text(certificate_id)}"
    if verify_url:
        line += f". Check it at {truncate(clean_text(verify_url), _LIMITS['verify'], ellipsis)}"
    return [_Block(line, "", 10, _INK, 6)]


def certificate_pdf(
    *,
    learner_name: str,
    module_title: str,
    learning_objective: str,
    completed_on: datetime.date,
    score_percent: int,
    site_name: str,
    credit_designation: str | None = None,
    accreditation_statement: str = "",
    activity_dates: tuple[datetime.date, datetime.date] | None = None,
    certificate_id: str | None = None,
    verify_url: str | None = None,
) -> bytes:
    """Render a one-page A4 landscape certificate of completion and return the PDF bytes.

    It prints the module's `accreditation_statement` (for an activity that is not accredited,
    the statement that says so; without one, a line that says it records completion only) and,
    when there is one, the `credit_designation`. `activity_dates` (release, expiry) print
    beneath the completion date, and the `certificate_id` (with where to check it) at the foot.
    """
    pdf, family = _new_pdf()
    ellipsis = ellipsis_for(family)
    site = truncate(clean_text(site_name), _LIMITS["site"], ellipsis)
    name = truncate(clean_text(learner_name), NAME_LIMIT, ellipsis)
    title = truncate(clean_text(module_title), _LIMITS["title"], ellipsis)
    objective = truncate(clean_text(learning_objective), _LIMITS["objective"], ellipsis)
    closing = f"Completed on {format_date(completed_on)}  ·  Score: {int(score_percent)}%"
    dates = ""
    if activity_dates:
        released, expires = activity_dates
        dates = f"Activity released {format_date(released)}  ·  expires {format_date(expires)}"
    if family != _FAMILY:
        closing, dates = closing.replace("·", "-"), dates.replace("·", "-")

    blocks = [
        _Block(site, "", 14, _MUTED, 0),
        _Block("Certificate of completion", "B", 34, _ACCENT, 4),
        _Block("This certifies that", "", 15, _INK, 10),
        _Block(name, "B", 26, _INK, 4),
        _Block("completed the module", "", 15, _INK, 6),
        _Block(title, "B", 20, _INK, 4),
        _Block(objective, "I", 13, _MUTED, 6),
        _Block(closing, "", 14, _INK, 12),
        _Block(dates, "", 10, _MUTED, 3),
        *_accreditation_blocks(credit_designation, accreditation_statement, ellipsis),
        *_id_block(certificate_id, verify_url, ellipsis),
    ]
    blocks = [block for block in blocks if block.text]

    pdf.set_title("Certificate of completion")
    pdf.set_creator(site or "Rounds")
    pdf.set_lang("en")
    pdf.add_page()
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(_FRAME, _FRAME, _PAGE_W - 2 * _FRAME, _PAGE_H - 2 * _FRAME)
    pdf.set_line_width(0.3)
    pdf.rect(_FRAME + 3, _FRAME + 3, _PAGE_W - 2 * _FRAME - 6, _PAGE_H - 2 * _FRAME - 6)

    available = _PAGE_H - 2 * _MARGIN
    for scale in _SCALES:  # the largest scale that fits; the smallest if none does
        height = _layout_height(pdf, family, blocks, scale)
        if height <= available:
            break
    pdf.set_y(_MARGIN + max(available - height, 0) / 2)
    for block in blocks:
        pdf.set_y(pdf.get_y() + block.space_before * scale)
        _place(pdf, family, block, scale, dry_run=False)
    return bytes(pdf.output())
