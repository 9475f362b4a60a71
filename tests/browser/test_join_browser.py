"""In a real browser: phones joining the poll by its short link, as in the room's first minute.

A phone new to the site gets what the gate and the poll need and no more: no plotly.js (the live
results are drawn in HTML and CSS) and no icon font; the live results still follow the room's
votes, and none of their text is cut off at phone widths.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, live_results, pass_gate
from tests.browser.tour import MODULE

PHONES = {"390x844": {"width": 390, "height": 844}, "360x740": {"width": 360, "height": 740}}
# plotly.js, the icon font, the text font (the phone's own is used) and the drop-down's script.
NOT_ON_A_PHONE = ("plotly", "MaterialSymbols", "SourceSans", "Selectbox")

# Every label and number of the live results inside the bars' box and the screen, none wider
# than its own box (cut off or hidden by an ellipsis).
CLIPPED = """() => {
  const chart = document.getElementById('chart').getBoundingClientRect();
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('#chart .label, #chart .value, h3, p')]
    .filter(el => el.checkVisibility() && el.textContent.trim())
    .filter(el => {
      const r = el.getBoundingClientRect();
      const outside = el.closest('#chart')
        && (r.left < chart.left - 1 || r.right > chart.right + 1);
      return outside || r.left < -1 || r.right > width + 1 || el.scrollWidth > el.clientWidth + 1;
    })
    .map(el => el.textContent);
}"""


def join(context: BrowserContext, base: str, profession: str = "Nurse") -> Page:
    """Open the short link on a new phone and pass the gate; return the poll page."""
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{base}/j/{MODULE.slug}")
    pass_gate(page, profession)
    expect(page.get_by_role("radiogroup", name=MODULE.poll.question)).to_be_visible(timeout=TIMEOUT)
    return page


def vote(page: Page, index: int) -> None:
    """Vote for the option at `index` and wait until the page says it is stored."""
    group = page.get_by_role("radiogroup", name=MODULE.poll.question)
    group.get_by_text(MODULE.poll.options[index].label, exact=True).click()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("Your vote:")).to_be_visible(timeout=TIMEOUT)


def phone(browser, size: str) -> tuple[BrowserContext, list[str]]:
    """Return a new phone (an empty cache, no cookie) and the list its requests are put in."""
    context = browser.new_context(viewport=PHONES[size], is_mobile=True, has_touch=True)
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    return context, requested


def test_phones_joining_get_no_plotly_nor_fonts_and_see_each_others_votes(tmp_path, browser):
    first, second = MODULE.poll.options[0].label, MODULE.poll.options[1].label
    with running_server(tmp_path / "server") as base:
        (one, one_requested), (two, two_requested) = (
            phone(browser, "390x844"),
            phone(browser, "360x740"),
        )
        a = join(one, base)
        vote(a, 0)
        results = live_results(a)
        expect(results.get_by_role("heading")).to_have_text(
            "Results so far (n = 1)", timeout=TIMEOUT
        )
        b = join(two, base, "Pharmacist")
        vote(b, 1)
        # The first phone sees the second's vote through the stream, with no rerun of its page.
        expect(results.get_by_role("heading")).to_have_text(
            "Results so far (n = 2)", timeout=TIMEOUT
        )
        sentence = f"2 votes. {first}: 50% (1); {second}: 50% (1);"
        expect(results.locator("#text")).to_contain_text(sentence, timeout=TIMEOUT)
        chart = results.get_by_role("img")
        expect(chart).to_have_attribute("aria-label", results.locator("#text").inner_text())
        bars = chart.locator(".bar")
        for i, (label, value) in enumerate([(first, "50% (1)"), (second, "50% (1)")]):
            expect(bars.nth(i).locator(".label")).to_have_text(label, timeout=TIMEOUT)
            expect(bars.nth(i).locator(".value")).to_have_text(value, timeout=TIMEOUT)
        expect(bars.nth(2).locator(".value")).to_have_text("0% (0)", timeout=TIMEOUT)
        for requested in (one_requested, two_requested):
            loaded = [u for u in requested if any(name in u for name in NOT_ON_A_PHONE)]
            assert not loaded, loaded
            assert any("/_rounds/live/" in u for u in requested)  # the results' stream
        one.close()
        two.close()


@pytest.mark.parametrize("size", list(PHONES))
def test_no_live_results_text_is_cut_off_on_a_phone(tmp_path, browser, size):
    with running_server(tmp_path / "server") as base:
        context, _ = phone(browser, size)
        page = join(context, base)
        vote(page, len(MODULE.poll.options) - 1)  # one vote: the longest number, 100% (1)
        results = live_results(page)
        expect(results.get_by_role("heading")).to_have_text(
            "Results so far (n = 1)", timeout=TIMEOUT
        )
        frame = next(f for f in page.frames if "live_results" in f.url)
        assert frame.evaluate(CLIPPED) == []
        scroll, visible = frame.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= visible
        assert frame.evaluate("document.querySelectorAll('#chart .bar').length") == len(
            MODULE.poll.options
        )
        context.close()
