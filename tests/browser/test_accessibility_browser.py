"""In a real browser: an axe-core WCAG 2.1 A/AA scan of every page in its main states.

The pages and states are `tests.browser.tour.TOUR`. Each stop is scanned in the page and in
every frame it holds (the live-results component is the project's own markup too). A serious or
critical finding fails the test unless `ALLOWED` lists its rule for that place. A few rules
outside WCAG's tags (`BEST_PRACTICE`) fail the test at any impact on the stops they name.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Frame, Page

from tests.browser.conftest import running_server
from tests.browser.tour import Stop, educator_env, walk

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Findings that come from Streamlit's own markup and cannot be fixed from the app, by axe rule id:
# (a regular expression the finding's CSS target must match, why it is allowed). Nothing else is
# excluded. Empty today: the findings the scan made were fixed in the app (see rounds/ui/style.py
# for caption contrast; app.py keeps the page menu flat, as sections put headers inside its <ul>).
ALLOWED: dict[str, tuple[str, str]] = {}

AXE = Axe()
# Rules outside the WCAG tags, each checked at every impact on the stops named: headings that go
# h1, h2, h3 without skipping a level (axe "heading-order", moderate; issue #20).
BEST_PRACTICE: dict[str, set[str]] = {"heading-order": {"home", "article"}}


def scan(frame: Page | Frame) -> list[dict]:
    """Run axe in one document (child frames are scanned on their own) and return violations."""
    options = {
        "runOnly": {"type": "tag", "values": WCAG_TAGS},
        "resultTypes": ["violations"],
        "iframes": False,
    }
    return AXE.run(frame, options=options).response["violations"]


def best_practice_findings(page: Page, stop: Stop) -> list[str]:
    """Return the stop's findings of the `BEST_PRACTICE` rules that name it, at any impact."""
    rules = [rule for rule, stops in BEST_PRACTICE.items() if stop.name in stops]
    if not rules:
        return []
    options = {"runOnly": {"type": "rule", "values": rules}, "resultTypes": ["violations"]}
    return [
        f"{stop.name}: {violation['id']} ({violation['impact']}) {violation['help']}"
        f"\n    at {' '.join(str(t) for t in node['target'])}\n    {node['html'][:200]}"
        for violation in AXE.run(page, options=options).response["violations"]
        for node in violation["nodes"]
    ]


def is_allowed(rule: str, target: str) -> bool:
    """Tell whether this finding is a listed Streamlit finding at a place it is allowed."""
    return rule in ALLOWED and re.search(ALLOWED[rule][0], target) is not None


def blocking_findings(page: Page, stop: Stop) -> tuple[list[str], set[str]]:
    """Return the stop's serious or critical findings not allowed, and the allowances used."""
    found, used = [], set()
    for frame in page.frames:
        where = stop.name if frame == page.main_frame else f"{stop.name} (frame {frame.url})"
        for violation in scan(frame):
            if violation["impact"] not in BLOCKING:
                continue
            for node in violation["nodes"]:
                target = " ".join(str(t) for t in node["target"])
                if is_allowed(violation["id"], target):
                    used.add(violation["id"])
                    continue
                found.append(
                    f"{where}: {violation['id']} ({violation['impact']}) {violation['help']}"
                    f"\n    at {target}\n    {node['html'][:200]}"
                )
    return found, used


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_has_no_serious_wcag_violation(tmp_path, browser, size):
    findings: list[str] = []
    used: set[str] = set()
    with running_server(tmp_path / "server", educator_env()) as base:
        context = browser.new_context(viewport=SIZES[size])
        page = context.new_page()

        def check(stop: Stop) -> None:
            found, allowed = blocking_findings(page, stop)
            findings.extend(found)
            findings.extend(best_practice_findings(page, stop))
            used.update(allowed)

        walk(page, base, check)
        page.get_by_test_id("stMainMenuButton").click()  # Streamlit's own menu, on every page
        page.get_by_test_id("stMainMenuPopover").wait_for()
        check(Stop("main-menu", lambda page, base: None))
        context.close()
    assert not findings, "axe found:\n" + "\n".join(findings)
    stale = set(ALLOWED) - used
    assert not stale, f"allowed rules no longer found (remove them from ALLOWED): {stale}"


def test_the_allow_list_names_a_place_and_a_reason_for_each_rule():
    for rule, (where, why) in ALLOWED.items():
        assert re.compile(where).pattern and why.strip(), rule
