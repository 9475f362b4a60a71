"""The project checked against itself: every page is declared, gated and tested."""

from __future__ import annotations

import re

from tests.apptest import PAGES
from tests.conftest import ROOT


def test_every_view_is_declared_in_app_and_covered_by_the_apptest_page_list():
    views = sorted(f"views/{p.name}" for p in (ROOT / "views").glob("*.py"))
    declared = sorted(
        re.findall(r'PageSpec\(\s*"(views/[a-z_]+\.py)"', (ROOT / "app.py").read_text())
    )
    assert views == declared
    assert sorted(PAGES.values()) == views


def test_no_pages_folder_that_legacy_routing_would_serve_ungated():
    assert not (ROOT / "pages").exists()


def test_no_streamlit_import_in_the_domain_outside_ui():
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "rounds").rglob("*.py")
        if "ui" not in path.relative_to(ROOT / "rounds").parts[:1]
        and re.search(r"^\s*(import|from) streamlit", path.read_text(), re.M)
    ]
    assert offenders == []
