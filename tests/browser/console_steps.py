"""Steps of an educator in a meeting: sign in, open the console and the screen view."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, BrowserContext, Page, expect

from rounds.content.loader import load_catalog
from rounds.web import signing
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate, wait_for_cookie
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module
PASSWORD = "projector-password"
CONSOLE = {"width": 1280, "height": 900}
SCREEN = {"width": 1280, "height": 720}


def open_console(browser: Browser, server: str) -> tuple[BrowserContext, Page]:
    """Pass the gate and sign in at the console; return its context (holding the cookies)."""
    context = browser.new_context(viewport=CONSOLE)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server}/presenter?module={MODULE.slug}")
    pass_gate(page, "Physician")
    page.get_by_role("textbox", name="Educator password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Presenter console")).to_be_visible()
    wait_for_cookie(context, signing.EDUCATOR_COOKIE)
    return context, page


def open_screen(browser: Browser, server: str, console: BrowserContext, viewport=SCREEN) -> Page:
    """Open the screen view in a second browser signed in with the console's cookies."""
    context = browser.new_context(viewport=viewport, storage_state=console.storage_state())
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{server}/screen?module={MODULE.slug}")
    expect(screen_status(page)).to_be_visible()
    return page


def screen_status(page: Page):
    """Return the heading of the live results: the poll's state and, if shown, the count."""
    return live_results(page).get_by_role("heading", name=re.compile(r"\w"))


def console_status(page: Page):
    """Return the console's line "Round 2 (rehearsal): Open for votes · 3 responses"."""
    return page.get_by_role("heading", name=re.compile(r"^Round \d+"))
