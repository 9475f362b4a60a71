"""Author and participant text placed inside Markdown that Rounds writes itself."""

from __future__ import annotations

import re

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")


def escape(text: str) -> str:
    """Return `text` with every Markdown control character escaped, so it shows as written."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))
