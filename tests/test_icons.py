"""Learner pages draw no Material Symbols icon: one would make a phone download the font.

Streamlit draws every `:material/name:` icon (in a label, a box or Markdown text) with its
Material Symbols font, 367 KiB; Rounds keeps Streamlit from fetching it eagerly
(`rounds/web/page_head.py`), so only a page that draws an icon loads it. The educator pages may;
the code and content a learner's pages are drawn from may not. The browser test of a phone's
join (`tests/browser/test_join_browser.py`) checks the font is never requested.
"""

from __future__ import annotations

import re

from tests.conftest import CONTENT, ROOT

ICON = re.compile(r":material/[a-z0-9_]+:")
EDUCATOR_ONLY = {
    "dashboard_widgets.py",
    "dashboard_data.py",
    "educator_access.py",
    "presenter_widgets.py",
    "screen_widgets.py",
    "session_widgets.py",  # the console's sequence and the screen's live item
}
EDUCATOR_VIEWS = {"presenter.py", "screen.py", "dashboard.py"}


def learner_sources() -> list:
    files = [p for p in (ROOT / "views").glob("*.py") if p.name not in EDUCATOR_VIEWS]
    files += [p for p in (ROOT / "rounds" / "ui").rglob("*.py") if p.name not in EDUCATOR_ONLY]
    files += list((ROOT / "rounds" / "content").rglob("*.py"))
    files += [p for p in CONTENT.rglob("*") if p.suffix in {".yaml", ".yml", ".md"}]
    return files


def test_learner_pages_and_content_draw_no_material_icon():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in learner_sources()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ICON.search(line) and not line.lstrip().startswith("#")
    ]
    assert not found, "\n".join(found)


def test_learner_pages_in_the_menu_carry_no_icon():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    learner = app[app.index("LEARNER_PAGES = (") : app.index("EDUCATOR_PAGES = (")]
    assert "PageSpec(" in learner and not ICON.search(learner)
