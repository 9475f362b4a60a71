"""The article's references: links named by their source, and citations that link to them."""

from __future__ import annotations

import re

from rounds.content.article import (
    article_markdown,
    link_citations,
    link_names,
    reference_links,
    references_html,
)
from rounds.content.loader import load_catalog
from rounds.content.schema import Reference
from tests.conftest import CONTENT

LOADED = load_catalog(CONTENT).get("asparaginase-aya-all")
MODULE = LOADED.module


def test_each_link_is_named_by_where_it_leads():
    ref = Reference(
        key="k",
        text="Someone. A paper. J Example. 2020.",
        doi="10.1000/xyz-1",
        pmid="123456",
        url="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6594900/",
    )
    assert [name for name, _ in link_names(ref)] == [
        "DOI 10.1000/xyz-1",
        "PubMed 123456",
        "PubMed Central PMC6594900",
    ]
    other = Reference(key="o", text="A label.", url="https://www.fda.gov/drugs/label")
    assert link_names(other) == [("Full text at fda.gov", "https://www.fda.gov/drugs/label")]
    assert "[PubMed 123456](https://pubmed.ncbi.nlm.nih.gov/123456/)" in reference_links(ref)


def test_no_two_links_in_the_modules_references_share_a_name():
    names = [name for ref in MODULE.references for name, _ in link_names(ref)]
    assert len(names) == len(set(names)) and "Link" not in names


def test_every_citation_in_the_article_links_to_its_reference():
    text = article_markdown(MODULE, LOADED.body)
    assert not re.search(
        r"\\\[\d", text
    )  # no number left unlinked: "\[3\]" became "\[[3](#ref-3)\]"
    cited = {int(n) for n in re.findall(r"\]\(#ref-(\d+)\)", text)}
    assert cited == set(range(1, len(MODULE.references) + 1))  # every reference is cited
    anchors = re.findall(r'<li id="(ref-\d+)">', references_html(MODULE))
    assert anchors == [f"ref-{n}" for n in range(1, len(MODULE.references) + 1)]


def test_several_works_in_one_citation_each_get_their_link():
    assert link_citations("Both \\[2, 5\\].", 5) == "Both \\[[2](#ref-2), [5](#ref-5)\\]."


def test_a_number_with_no_reference_is_left_as_written():
    assert link_citations("In \\[7\\] and \\[1, 9\\].", 5) == "In \\[7\\] and \\[1, 9\\]."


def test_reference_text_and_addresses_cannot_become_markup():
    hostile = Reference(
        key="h",
        text='<img src=x onerror="alert(1)"> </li><script>alert(2)</script>',
        url='https://example.org/a"onmouseover="alert(3)',
    )
    module = MODULE.model_copy(update={"references": [hostile]})
    found = references_html(module)
    assert "<img" not in found and "<script" not in found and "</li><" not in found[:-10]
    assert 'href="https://example.org/a%22onmouseover=%22alert%283%29"' in found
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in found
