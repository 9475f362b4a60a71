"""The site chrome as two small HTML fragments: the notices above the content and the sidebar.

Each fragment is one element on the page instead of a dozen of Streamlit's (an expander, a
bordered box, a popover and the texts inside them): the chrome is drawn on every run of every
page, and each element costs the server about as much to build and send whatever its size.
Every text from `content/site.yaml` is escaped; the UI layer hands the result to `st.html`,
which sanitises it again in the browser. The classes are styled in `rounds/ui/style.py`.
"""

from __future__ import annotations

from html import escape

from rounds.content.schema import Site


def _text(value: object) -> str:
    return escape(" ".join(str(value).split()))


def header_html(site: Site) -> str:
    """Return the machine-translation notice and the funding disclosure with its funders."""
    disclosure = site.disclosure
    rows = "".join(
        f"<tr><td>{_text(f.name)}</td><td>{_text(f.level)}</td></tr>" for f in disclosure.funders
    )
    return (
        '<div class="rounds-chrome">'
        '<details class="rounds-fold"><summary>About machine translation</summary>'
        f'<p class="rounds-note">{_text(site.translation_notice)}</p></details>'
        '<section class="rounds-box" aria-label="Independent education">'
        f'<p class="rounds-note">{_text(disclosure.statement)}</p>'
        '<details class="rounds-fold rounds-funders"><summary>View funders</summary>'
        "<table><caption>Funders of this activity</caption>"
        '<thead><tr><th scope="col">Funder</th><th scope="col">Support</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        f'<p class="rounds-note">{_text(disclosure.influence)}</p></details>'
        "</section></div>"
    )


def sidebar_html(site: Site) -> str:
    """Return the site's name and tagline and the call to support independent education."""
    support = site.support
    return (
        f'<p class="rounds-site"><strong>{_text(site.name)}</strong> · {_text(site.tagline)}</p>'
        f'<section class="rounds-box" aria-label="{_text(support.title)}">'
        f"<p><strong>{_text(support.title)}</strong></p>"
        f'<p class="rounds-note">{_text(support.text)}</p>'
        f'<a class="rounds-button" href="{escape(str(support.link.url))}" target="_blank"'
        f' rel="noopener noreferrer">{_text(support.link.label)}</a></section>'
    )
