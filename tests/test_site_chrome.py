"""The site chrome's HTML: every text from site.yaml shown as text, every funder listed."""

from __future__ import annotations

from html.parser import HTMLParser

from rounds.content.loader import load_catalog
from rounds.figures.site_chrome import header_html, sidebar_html
from tests.conftest import CONTENT

SITE = load_catalog(CONTENT).site
HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> "quoted" & more'


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.links: list[dict] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "a":
            self.links.append(dict(attrs))

    def handle_data(self, data):
        self.text.append(data)


def _parse(markup: str) -> _Collect:
    found = _Collect()
    found.feed(markup)
    return found


def test_header_has_the_notice_the_statement_and_every_funder():
    found = _parse(header_html(SITE))
    text = " ".join(found.text)
    assert "About machine translation" in text and "View funders" in text
    assert SITE.translation_notice in text and SITE.disclosure.statement in text
    assert all(f.name in text and f.level in text for f in SITE.disclosure.funders)
    assert found.tags.count("details") == 2 and found.tags.count("tr") == 1 + len(
        SITE.disclosure.funders
    )


def test_sidebar_has_the_support_call_with_its_link_in_a_new_tab():
    found = _parse(sidebar_html(SITE))
    assert SITE.support.text in " ".join(found.text)
    (link,) = found.links
    assert link["href"] == str(SITE.support.link.url) and link["target"] == "_blank"
    assert "noopener" in link["rel"]


def test_hostile_site_texts_are_text_not_markup():
    funders = [SITE.disclosure.funders[0].model_copy(update={"name": HOSTILE})]
    site = SITE.model_copy(
        update={
            "name": HOSTILE,
            "translation_notice": HOSTILE,
            "disclosure": SITE.disclosure.model_copy(update={"funders": funders}),
            "support": SITE.support.model_copy(update={"title": HOSTILE}),
        }
    )
    for markup in (header_html(site), sidebar_html(site)):
        found = _parse(markup)
        assert "img" not in found.tags and "script" not in found.tags
        assert HOSTILE in " ".join(found.text)
