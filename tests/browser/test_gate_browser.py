"""In a real browser: a deep link to a fresh server is gated; the attestation survives reloads."""

from __future__ import annotations

from playwright.sync_api import expect

from rounds.content.loader import load_catalog
from tests.browser.gate_steps import TIMEOUT, expect_gate, pass_gate, wait_for_cookie
from tests.conftest import CONTENT

MODULE = load_catalog(CONTENT).get("asparaginase-aya-all").module


def article_heading(page):
    return page.get_by_role("heading", name=MODULE.title)


def test_deep_link_is_gated_then_attestation_survives_reload_and_new_tabs(server, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/article")  # the very first request this server gets
    expect_gate(page)
    expect(page.get_by_text(MODULE.key_learning)).to_have_count(0)
    expect(article_heading(page)).to_have_count(0)

    pass_gate(page)
    expect(article_heading(page)).to_be_visible(timeout=TIMEOUT)
    assert page.url.endswith("/article")
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] is True
    # Once the browser holds the cookie, the page stops drawing the pixel that fetched it.
    pixel = page.locator("img[src*='_rounds/attest']")
    page.get_by_role("link", name="Next: self-assessment").click()
    expect(page.get_by_role("heading", name="Self-assessment")).to_be_visible(timeout=TIMEOUT)
    expect(pixel).to_have_count(0)
    page.go_back()

    page.reload()
    expect(article_heading(page)).to_be_visible(timeout=TIMEOUT)
    tab = context.new_page()
    tab.goto(f"{server}/article")
    expect(article_heading(tab)).to_be_visible(timeout=TIMEOUT)

    stranger = browser.new_context()
    other = stranger.new_page()
    other.goto(f"{server}/article")
    expect_gate(other)
    expect(article_heading(other)).to_have_count(0)
    stranger.close()
    context.close()


def test_forged_cookie_is_treated_as_no_attestation(server, browser):
    context = browser.new_context()
    host = server.split("//")[1].split(":")[0]
    context.add_cookies(
        [{"name": "rounds_hcp", "value": "eyJwIjoiMDAifQ.forged.sig", "domain": host, "path": "/"}]
    )
    page = context.new_page()
    page.goto(f"{server}/article")
    expect_gate(page)
    expect(article_heading(page)).to_have_count(0)
    context.close()
