"""Untrusted text in fpdf2 documents: cleaning, truncating, and a font that can draw it.

DejaVu Sans is used when installed (Debian package fonts-dejavu-core); otherwise the core
Helvetica font, with text reduced to latin-1. Either way `drawable` turns what the font cannot
draw into "?", so any text can be printed without fpdf2 raising.
"""

from __future__ import annotations

import datetime
import importlib.util
import unicodedata
from pathlib import Path

from fpdf import FPDF

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FAMILY = "RoundsSans"  # the name DejaVu Sans is registered under
CORE_FAMILY = "Helvetica"
_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}

_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_LINE_BREAKS = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# Explicit bidi embeddings/overrides/isolates could make printed text read differently.
_BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def clean_text(value: object) -> str:
    """Strip control characters from `value` and collapse its whitespace to single spaces."""
    kept = []
    for char in str(value):
        if char in _LINE_BREAKS:
            kept.append(" ")
        elif unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS:
            continue
        else:
            kept.append(char)
    return " ".join("".join(kept).split())


def truncate(text: str, limit: int, ellipsis: str = "…") -> str:
    """Shorten `text` to at most `limit` characters, ending with `ellipsis` when cut."""
    if len(text) <= limit:
        return text
    return text[: limit - len(ellipsis)].rstrip() + ellipsis


def format_date(day: datetime.date) -> str:
    """Format a date as e.g. "23 November 2026", independent of the locale."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def unicode_fonts(font_dir: Path) -> dict[str, Path] | None:
    """Return the DejaVu Sans file per style ("", "B", "I"), or None if not installed."""
    regular = font_dir / _FONT_FILES[""]
    if not regular.is_file():
        return None
    return {
        style: path if (path := font_dir / name).is_file() else regular
        for style, name in _FONT_FILES.items()
    }


def register_fonts(pdf: FPDF, font_dir: Path | None = None) -> str:
    """Register DejaVu Sans on `pdf` when installed and return the font family to use."""
    fonts = unicode_fonts(FONT_DIR if font_dir is None else font_dir)
    if fonts is None:
        return CORE_FAMILY
    for style, path in fonts.items():
        pdf.add_font(FAMILY, style=style, fname=str(path))
    if importlib.util.find_spec("uharfbuzz") is not None:
        pdf.set_text_shaping(True)  # joins Arabic letters and the like when available
    return FAMILY


def ellipsis_for(family: str) -> str:
    """Return the ellipsis the family can draw: "…", or "..." for the latin-1 core font."""
    return "…" if family == FAMILY else "..."


def drawable(pdf: FPDF, text: str) -> str:
    """Replace characters the current font cannot draw with "?" (invisible ones are dropped)."""
    cmap = getattr(pdf.current_font, "cmap", None)
    if not isinstance(cmap, dict):
        return text.encode("latin-1", "replace").decode("latin-1")
    out = []
    for char in text:
        if ord(char) in cmap:
            out.append(char)
        elif unicodedata.category(char) not in ("Mn", "Me", "Cf"):
            out.append("?")
    return "".join(out)
