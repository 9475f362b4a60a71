"""Steps a person takes in the browser, shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from rounds.content.loader import load_catalog
from tests.conftest import CONTENT

SITE = load_catalog(CONTENT).site
TIMEOUT = 20_000


def expect_gate(page: Page) -> None:
    """Wait until the HCP gate is drawn."""
    expect(page.get_by_role("heading", name=SITE.gate.title)).to_be_visible(timeout=TIMEOUT)


def pass_gate(page: Page, profession: str = "Nurse") -> None:
    """Attest as an HCP with the given profession label and enter."""
    expect_gate(page)
    page.get_by_text(SITE.gate.attest_label).click()
    page.get_by_role("radiogroup", name="Your profession").get_by_text(profession).click()
    page.get_by_role("button", name="Enter").click()


def wait_for_cookie(context, name: str = "rounds_hcp", seconds: float = 10) -> dict:
    """Return the named cookie once the browser holds it."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [c for c in context.cookies() if c["name"] == name]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"cookie {name} never arrived")


def figure(page: Page):
    """Return the first chart component's frame (a chart drawn from Rounds' own figure JSON)."""
    return page.frame_locator("iframe[title*='figure']").first


def live_results(page: Page):
    """Return the live-results component's frame (results are drawn inside it)."""
    return page.frame_locator("iframe[title*='live_results']").first
