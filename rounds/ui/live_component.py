"""The live-results component: bars and a sentence kept current by server-sent events.

The bars are plain HTML and CSS drawn by the component's own script (`live_results/live.js`), on
the phones and on the presenter's screen alike: no chart library to download. Viewers cost no
script reruns: the browser follows `/_rounds/live/<module>/<poll>` (one shared database read per
poll per process, see `rounds.web.live`) and only asks the page to rerun when the poll itself
opens, closes or starts a new round.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components
from cachetools import TTLCache

from rounds.content.schema import Module
from rounds.resources import settings
from rounds.rules.lifecycle import RoundInfo
from rounds.rules.progress import poll_id
from rounds.rules.session import Item, check_result, correct_option, poll_item
from rounds.rules.tallies import SMALL_N, describe, poll_rows
from rounds.store.engine import utcnow
from rounds.ui.component_args import json_object
from rounds.web.routes import live_path
from rounds.web.signing import viewer_token

_component = components.declare_component(
    "live_results", path=str(Path(__file__).with_name("live_results"))
)


_tokens: TTLCache = TTLCache(maxsize=256, ttl=3600)
_tokens_lock = threading.Lock()


def _viewer(poll: str, results: bool) -> str:
    """Return a viewer token for the poll, the same one for an hour.

    The token is the stream's address: a new one on every run would make the browser reconnect
    on every rerun. It names no participant, so viewers of a poll can share it.
    """
    secret = settings().secret_key
    with _tokens_lock:
        token = _tokens.get((secret, poll, results))
        if token is None:
            token = _tokens[(secret, poll, results)] = viewer_token(secret, poll, results)
    return token


def drawn_key(item: str, info: RoundInfo, state: str, revealed: bool) -> str:
    """Return what the component compares with the stream to tell that the page must rerun."""
    return f"{item}|{info.round}:{state}|{int(revealed)}"


def _revealed_args(item: Item, counts: dict[str, int]) -> dict:
    key, text, explanation = correct_option(item)
    result = check_result(item, counts)
    return {
        "correct": {"key": key, "text": text, "explanation": explanation},
        "text": f"{result.percent:g}% chose the correct answer ({result.correct} of "
        f"{result.total}). Correct answer: {text}.",
    }


def live_results(
    module: Module,
    info: RoundInfo,
    state: str,
    counts: dict[str, int],
    *,
    key: str,
    item: Item | None = None,
    revealed: bool = False,
    large: bool = False,
    show_text: bool = True,
    hidden: bool = False,
    hide_chart: bool = False,
    status_labels: dict[str, str] | None = None,
    show_count: bool = True,
    heading: str = "Results so far",
    hidden_text: str = "Results appear here once you have voted.",
) -> str | None:
    """Draw the live bars of `counts`; return what changed if the live item or its round did.

    `item` is the session item drawn (the module's poll by default); a revealed knowledge check
    marks its correct option and gives its explanation. A `hidden` viewer receives neither the
    counts nor the sentence, here or from the stream: their viewer token grants the state only.
    """
    item = item or poll_item(module)
    if hidden:
        counts = {}
    rows = poll_rows(list(item.options), counts)
    total = sum(r.count for r in rows)
    viewer = _viewer(poll_id(module), results=not hidden)
    drawn = drawn_key(item.poll_id, info, state, revealed)
    rest = {
        "stream": live_path(module.slug, module.poll.key, viewer),
        "item": item.poll_id,
        "options": [{"key": o.key, "label": o.label} for o in item.options],
        "drawn": drawn,
        "large": large,
        "show_text": show_text,
        "small_note": not large,
        "small_n": SMALL_N,  # under this many votes the note says percentages move a lot
        "heading": heading,
        "hidden": hidden,
        "hidden_text": hidden_text,
        "hide_chart": hide_chart,
        "status_labels": status_labels,
        "show_count": show_count,
        "initial": {
            "item": item.poll_id,
            "round": info.round,
            "state": state,
            "closes_in": info.seconds_left(utcnow()),
            "total": total,
            "counts": {r.key: r.count for r in rows},
        },
        "text": "" if hidden else describe(rows),
        "correct": None,
    }
    if revealed and item.is_check and not hidden:
        rest |= _revealed_args(item, counts)
    # One string argument (see `rounds.ui.component_args`).
    report = _component(spec=json_object(rest), key=key, default=None)
    return _news(key, report, drawn)


def _news(key: str, report: str | None, drawn: str) -> str | None:
    """Return what a report of the component says changed, once, if it is not what was drawn.

    A component keeps its last value across reruns: acting on it again would rerun the page
    forever after anything else (a button) redrew it in another state.
    """
    if not report or st.session_state.get(f"{key}_report") == report:
        return None
    st.session_state[f"{key}_report"] = report
    changed = report.split("#", 1)[0]
    return changed if changed != drawn else None


def decode(json_args: str) -> dict:
    """Return the arguments a drawn live-results component received (for tests and benches)."""
    return json.loads(json.loads(json_args)["spec"])
