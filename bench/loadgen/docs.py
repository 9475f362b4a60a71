"""Rewrite one section of a Markdown file in docs/ with a bench run's figures."""

from __future__ import annotations

from pathlib import Path


def replace_section(path: Path, text: str, title: str) -> None:
    """Replace the `## ` section whose heading is `text`'s first line, or append it.

    A missing file is started with `title` as its `# ` heading. The section runs to the next
    `## ` heading, so hand-written sections around it are kept as they are.
    """
    current = path.read_text() if path.exists() else f"# {title}\n"
    heading = text.splitlines()[0]
    start = current.find(heading + "\n")
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        following = current.find("\n## ", start + len(heading))
        rest = current[following + 1 :] if following >= 0 else ""
        updated = current[:start] + text.rstrip("\n") + "\n" + ("\n" + rest if rest else "")
    path.write_text(updated)
