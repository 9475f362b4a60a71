"""In a real browser on a phone (390x844): references a screen reader can tell apart, and
citations that jump to them.

Six links were all read as "Link"-like labels, and the in-text citations were plain text.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.gate_steps import TIMEOUT, pass_gate, wait_for_cookie
from tests.browser.tour import MODULE, module_url, settle

PHONE = {"width": 390, "height": 844}
# Where each link leads, and the words its name must start with.
SOURCES = {"https://doi.org/": "DOI ", "https://pubmed.ncbi.nlm.nih.gov/": "PubMed "}

# Whether the reference is on screen and not under Streamlit's fixed header: the point a finger
# would read it at (its first line) hits the reference itself.
SEEN = """(id) => {
  const el = document.getElementById(id);
  const r = el.getBoundingClientRect();
  if (r.bottom <= 0 || r.top >= innerHeight) return false;
  const hit = document.elementFromPoint(r.left + 4, Math.max(r.top, 0) + 6);
  return hit !== null && el.contains(hit);
}"""


def open_article(page: Page, base: str) -> None:
    page.goto(module_url(base, "article"))
    pass_gate(page)
    wait_for_cookie(page.context)
    expect(page.get_by_role("heading", name="References")).to_be_visible()
    settle(page)


def reference_links(page: Page) -> list[tuple[str, str]]:
    """Return (accessible name, href) of every outbound link in the references."""
    items = page.get_by_role("list").filter(has=page.locator("#ref-1"))
    links = items.get_by_role("link")
    return [
        (links.nth(i).evaluate("a => a.textContent").strip(), links.nth(i).get_attribute("href"))
        for i in range(links.count())
    ]


def test_each_reference_link_names_its_source_and_no_two_names_are_alike(server, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    open_article(page, server)

    found = reference_links(page)
    expected = sum(len(ref.links()) for ref in MODULE.references)
    assert len(found) == expected and expected >= 6
    names = [name for name, _ in found]
    assert len(set(names)) == len(names), names  # a screen reader's list of links tells them apart
    for name, href in found:
        # The accessible name, as assistive technology computes it, is the visible name.
        link = page.get_by_role("link", name=name, exact=True)
        expect(link).to_have_count(1)
        assert name.lower() not in {"link", "here", "source"}, name
        prefix = next((p for url, p in SOURCES.items() if href.startswith(url)), None)
        if prefix:
            assert name.startswith(prefix) and name.removeprefix(prefix) in href, (name, href)
        else:  # any other address is named by where it leads
            assert re.search(r"PubMed Central PMC\d+|Full text at \S+", name), (name, href)
    context.close()


def test_tapping_a_citation_brings_its_reference_into_view(server, browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    open_article(page, server)

    main = page.get_by_test_id("stMain")
    for number in (len(MODULE.references), 4):  # the last one cited, then one in the middle
        citation = main.get_by_role("link", name=str(number), exact=True).first
        expect(citation).to_be_visible()
        citation.scroll_into_view_if_needed()
        anchor = f"ref-{number}"
        assert not page.evaluate(SEEN, anchor)  # far below the text that cites it
        citation.tap()
        page.wait_for_function(SEEN, arg=anchor, timeout=TIMEOUT)
        reference = page.locator(f"#{anchor}")
        expect(reference).to_contain_text(MODULE.references[number - 1].text.split()[0])
        assert page.url.endswith(f"#{anchor}")
        expect(page.get_by_role("heading", name="References")).to_be_visible()  # same page
    context.close()
