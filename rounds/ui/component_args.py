"""Arguments for Rounds' own components, passed as one JSON text.

Streamlit inspects every argument of a component for data frames on every run, which costs
more for lists and dicts than encoding them once; and a figure's JSON, made once from stored
rows, is spliced in as it is rather than decoded and encoded again.
"""

from __future__ import annotations

import json


def json_object(fields: dict, **encoded: str) -> str:
    """Return `fields` as a JSON object, with each of `encoded` (a JSON text) added as it is."""
    head = json.dumps(fields)
    if not encoded:
        return head
    rest = ", ".join(f"{json.dumps(name)}: {text}" for name, text in encoded.items())
    return f"{head[:-1]}, {rest}}}" if fields else f"{{{rest}}}"
