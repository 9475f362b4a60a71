"""The project checked against itself: every page is declared, gated and tested."""

from __future__ import annotations

import re

from rounds.config import Settings
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


def test_every_rounds_variable_the_code_reads_is_in_the_readmes_configuration_table():
    """The layering itself is checked by import-linter (`make lint`, contracts in pyproject)."""
    code = [ROOT / "server.py", ROOT / "app.py", *(ROOT / "rounds").rglob("*.py")]
    read = {name for path in code for name in re.findall(r"ROUNDS_[A-Z_]+", path.read_text())}
    read |= {f"ROUNDS_{name.upper()}" for name in Settings.model_fields}
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `(ROUNDS_[A-Z_]+)`", table, re.M))
    assert read - {"ROUNDS_"} <= documented, sorted(read - documented)
