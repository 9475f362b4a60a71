"""Text placed in Markdown that Rounds writes shows exactly as written."""

from __future__ import annotations

from rounds.content import markdown


def test_markdown_control_characters_are_escaped():
    assert markdown.escape("A | B *bold* [x](y) <b>") == r"A \| B \*bold\* \[x\]\(y\) \<b\>"


def test_line_breaks_cannot_end_a_table_row():
    assert markdown.escape("one\ntwo") == "one two"
