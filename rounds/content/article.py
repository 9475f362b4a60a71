"""The article page's text: what comes before the content, then the body and its closing parts.

Before the content (as accredited activities must show it): the dates, the accreditation
status, who wrote and planned it with their disclosures, and who supported it. After the body:
Key data (an off-label item carries a visible label), Key learning and the references, each
linked to doi.org and PubMed where its DOI and PMID are known.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

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


def reference_links(ref: Reference) -> str:
    """Return a reference's links as Markdown: `doi:` to doi.org, `PMID` to PubMed, any URL."""
    links = []
    for label, url in ref.links():
        safe = quote(url, safe=":/?&=#%;.,_-~+@")
        links.append(f"[{escape(label)}]({safe})")
    return " · ".join(links)


def article_markdown(module: Module, body: str) -> str:
    """Return the body and the module's closing sections as one Markdown text.

    One text is one element on the page: the server builds and sends each element separately,
    and these sections are drawn on every run of the article. The headings get the anchors
    `#key-data`, `#key-learning` and `#references` from their words.
    """
    key_data = "\n".join(
        f"- {point.text.strip()}{off_label_note(point.off_label)}" for point in module.key_points()
    )
    references = "\n".join(
        f"{n}. {ref.text.strip()} {reference_links(ref)}".rstrip()
        for n, ref in enumerate(module.references, 1)
    )
    return (
        f"{body.rstrip()}\n\n## Key data\n\n{key_data}\n\n"
        f"## Key learning\n\n{module.key_learning}\n\n## References\n\n{references}\n"
    )
