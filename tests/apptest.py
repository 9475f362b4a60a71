"""Helpers for AppTest tests: a fresh app per test on its own database, and the gate."""

from __future__ import annotations

import html
import json
import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from rounds import resources
from rounds.ui.live_component import decode
from rounds.ui.poll_widgets import refresh_shared
from tests.conftest import ROOT

PAGES = {
    "home": "views/home.py",
    "article": "views/article.py",
    "quiz": "views/quiz.py",
    "evaluation": "views/evaluation.py",
    "poll": "views/poll.py",
    "completion": "views/completion.py",
    "presenter": "views/presenter.py",
    "screen": "views/screen.py",
    "dashboard": "views/dashboard.py",
}
# Drawn without the learners' site chrome: the big screen, the console and the dashboard.
NO_LEARNER_CHROME = {"views/presenter.py", "views/screen.py", "views/dashboard.py"}


def fresh_app(monkeypatch, tmp_path, database_url: str | None = None) -> AppTest:
    """Return an AppTest of app.py on a private database and data folder."""
    monkeypatch.setenv("ROUNDS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ROUNDS_DATABASE_URL", database_url or f"sqlite:///{tmp_path / 'db.sqlite'}")
    resources.forget()
    refresh_shared()  # the poll's half-second caches, from another test's database
    st.cache_resource.clear()
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)


def attest(at: AppTest, profession: str = "nurse", country: str | None = "Spain") -> AppTest:
    """Fill in and submit the HCP gate (a poll page's gate, for a meeting, asks no country)."""
    at.checkbox(key="gate_attest").check()
    at.radio(key="gate_profession").set_value(profession)
    if country and any(box.key == "gate_country" for box in at.selectbox):
        at.selectbox(key="gate_country").set_value(country)
    at.button(key="gate_submit").click()
    return at.run()


def texts(at: AppTest) -> str:
    """Return all the text the run drew, for 'is this shown' assertions."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.title]
    parts += [e.value for e in at.header] + [e.value for e in at.subheader]
    for kind in (at.caption, at.info, at.error, at.success, at.warning):
        parts += [e.value for e in kind]
    parts += [html.unescape(e.proto.body) for e in at.get("html")]  # the site chrome
    parts += [e.label for e in at.expander]
    return "\n".join(str(p) for p in parts)


def figures(at: AppTest) -> list[dict]:
    """Return the charts the run drew with `draw_figure`: each one's alt text and figure."""
    return [
        json.loads(json.loads(c.proto.json_args)["spec"])
        for c in at.get("component_instance")
        if c.proto.component_name.endswith("figure")
    ]


def html_charts(at: AppTest) -> list[str]:
    """Return the charts the run drew in HTML (`st.html` figures with an accessible name), each
    as its accessible name: the chart's numbers in sentences."""
    names = []
    for element in at.get("html"):
        found = re.search(r'<figure role="img" aria-label="([^"]*)"', element.proto.body)
        if found:
            names.append(html.unescape(found.group(1)))
    return names


def live_results(at: AppTest) -> dict:
    """Return the arguments the page gave its live-results component (what it first draws)."""
    (component,) = [
        c for c in at.get("component_instance") if c.proto.component_name.endswith("live_results")
    ]
    return decode(component.proto.json_args)


def live_heading(at: AppTest) -> str:
    """Return the heading the live-results component draws from the page's arguments."""
    args = live_results(at)
    return "hidden" if args["hidden"] else f"Results so far (n = {args['initial']['total']})"
