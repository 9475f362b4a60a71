"""Author and participant text placed inside Markdown that Rounds writes itself."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(text: str) -> str:
    """Return `text` with every Markdown control character escaped, so it shows as written."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Return a Markdown table (a real HTML table for screen readers) of escaped cells."""
    lines = ["| " + " | ".join(escape(h) for h in headers) + " |"]
    lines.append("|" + "---|" * len(headers))
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
