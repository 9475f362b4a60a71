"""The article page's text: what comes before the content, then the body and its closing parts.

Before the content (as accredited activities must show it): the dates, the accreditation
status, who wrote and planned it with their disclosures, and who supported it. After the body:
Key data (an off-label item carries a visible label), Key learning and the references, each
linked to doi.org and PubMed where its DOI and PMID are known, by links that name their source
("DOI 10.1056/...", "PubMed 39047240"), never a bare "Link". Each in-text citation links to its
reference, which carries the anchor `#ref-<n>`: Markdown without HTML cannot give a list item
an id, so the list is a small HTML fragment (every text escaped; `st.html` sanitises it again).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import quote, urlsplit

from rounds.content.markdown import escape
from rounds.content.schema import Contributor, Module, Reference

# Words and colour, no ":material/...:" icon: that would make every learner page that shows the
# label (the article, the poll's evidence) download the Material Symbols font (367 KiB).
OFF_LABEL = ":orange-badge[Off-label]"


def _date(day: dt.date) -> str:
    return f"{day:%d %B %Y}".lstrip("0")


def off_label_note(note: str | None) -> str:
    """Return the visible off-label label and its note, or "" for an item within the label.

    The note in upright type: in italics it was the only italic text on the poll page, and made a
    phone joining the poll download the italic face of the text font (139 KiB) for it.
    """
    return f" {OFF_LABEL} {note.strip()}" if note else ""


def dates_line(module: Module) -> str:
    """Return the release, last review and expiry dates as one line."""
    return (
        f"Released {_date(module.published)} · last reviewed {_date(module.reviewed)} · "
        f"expires {_date(module.expires)}"
    )


def _people(people: list[Contributor]) -> str:
    return "\n".join(
        f"- **{person.name}** ({person.role}). Disclosure: {person.disclosure}" for person in people
    )


def front_matter_markdown(module: Module) -> str:
    """Return accreditation, faculty, planners, commercial support and disclosures as Markdown."""
    support = module.commercial_support
    supporters = "\n".join(f"- {name}" for name in support.supporters)
    parts = [
        f"**Accreditation.** {module.accreditation.statement}",
    ]
    if module.accreditation.credit_designation:
        parts.append(f"**Credit designation.** {module.accreditation.credit_designation}")
    parts += [
        "**Faculty and authors**, with their relevant financial relationships\n\n"
        + _people(module.faculty),
        "**Planners and reviewers**, with their relevant financial relationships\n\n"
        + _people(module.planners),
        f"**Commercial support for this activity.** {support.statement}"
        + (f"\n\n{supporters}" if supporters else ""),
    ]
    if module.disclosures:
        parts.append(
            "**Other disclosures**\n\n" + "\n".join(f"- {line}" for line in module.disclosures)
        )
    return "\n\n".join(parts)


def reference_anchor(number: int) -> str:
    """Return the id of the n-th reference in the article's list (`ref-3`)."""
    return f"ref-{number}"


def _url_name(url: str) -> str:
    """Name a reference's own URL by where it leads: PubMed Central's article, or the site."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    pmc = re.search(r"/(PMC\d+)", parts.path)
    if host.endswith("ncbi.nlm.nih.gov") and pmc:
        return f"PubMed Central {pmc.group(1)}"
    return f"Full text at {host}" if host else "Full text"


def link_names(ref: Reference) -> list[tuple[str, str]]:
    """Return (name, URL) for each of a reference's links, each name saying where it leads."""
    names = []
    for _, url in ref.links():  # doi.org, PubMed, then the reference's own URL
        if ref.doi and url == f"https://doi.org/{ref.doi}":
            names.append((f"DOI {ref.doi}", url))
        elif ref.pmid and url == f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/":
            names.append((f"PubMed {ref.pmid}", url))
        else:
            names.append((_url_name(url), url))
    return names


def _safe_url(url: str) -> str:
    return quote(url, safe=":/?&=#%;.,_-~+@")


def reference_links(ref: Reference) -> str:
    """Return a reference's links as Markdown: `DOI ...` to doi.org, `PubMed ...`, any URL."""
    return " · ".join(f"[{escape(name)}]({_safe_url(url)})" for name, url in link_names(ref))


def references_html(module: Module) -> str:
    """Return the numbered references as an HTML list, each item with its anchor `#ref-<n>`."""
    items = []
    for n, ref in enumerate(module.references, 1):
        links = " · ".join(
            f'<a href="{html.escape(_safe_url(url))}" target="_blank" rel="noopener noreferrer">'
            f"{html.escape(name)}</a>"
            for name, url in link_names(ref)
        )
        text = html.escape(" ".join(ref.text.split()))
        items.append(f'<li id="{reference_anchor(n)}">{text} {links}'.rstrip() + "</li>")
    return f'<ol class="rounds-references">{"".join(items)}</ol>'


# What `rounds.content.loader.number_citations` leaves in the body: `\[3\]` or `\[3, 5\]`.
_NUMBERED = re.compile(r"\\\[(\d+(?:, \d+)*)\\\]")


def link_citations(body: str, count: int) -> str:
    """Make each numbered citation in the body a link to its reference: `[3]` jumps to `#ref-3`."""

    def linked(match: re.Match) -> str:
        numbers = [int(n) for n in match.group(1).split(", ")]
        if not all(1 <= n <= count for n in numbers):
            return match.group(0)
        links = ", ".join(f"[{n}](#{reference_anchor(n)})" for n in numbers)
        return f"\\[{links}\\]"

    return _NUMBERED.sub(linked, body)


def article_markdown(module: Module, body: str) -> str:
    """Return the body and the module's closing sections, up to the references' heading.

    One text is one element on the page: the server builds and sends each element separately,
    and these sections are drawn on every run of the article. The headings get the anchors
    `#key-data`, `#key-learning` and `#references` from their words; the list of references
    follows as `references_html`.
    """
    key_data = "\n".join(
        f"- {point.text.strip()}{off_label_note(point.off_label)}" for point in module.key_points()
    )
    body = link_citations(body.rstrip(), len(module.references))
    return (
        f"{body}\n\n## Key data\n\n{key_data}\n\n"
        f"## Key learning\n\n{module.key_learning}\n\n## References\n"
    )
