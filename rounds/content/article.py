"""The article page's text: the body, then Key data, Key learning and the references."""

from __future__ import annotations

from rounds.content.schema import Module


def article_markdown(module: Module, body: str) -> str:
    """Return the body and the module's closing sections as one Markdown text.

    One text is one element on the page: the server builds and sends each element separately,
    and these sections are drawn on every run of the article. The headings get the anchors
    `#key-data`, `#key-learning` and `#references` from their words.
    """
    key_data = "\n".join(f"- {point}" for point in module.key_data)
    references = "\n".join(
        f"{n}. {ref.text} [Link]({ref.url})" for n, ref in enumerate(module.references, 1)
    )
    return (
        f"{body.rstrip()}\n\n## Key data\n\n{key_data}\n\n"
        f"## Key learning\n\n{module.key_learning}\n\n## References\n\n{references}\n"
    )
