"""In a real browser: HTML and script in content and in typed text show as text, never run."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from playwright.sync_api import expect

from tests.browser.conftest import running_server
from tests.browser.gate_steps import TIMEOUT, pass_gate
from tests.conftest import CONTENT

HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script> \u202eevil \U0001f9ea'


def test_hostile_content_is_shown_literally_and_runs_nothing(tmp_path, browser):
    content = Path(shutil.copytree(CONTENT, tmp_path / "content"))
    module_yaml = content / "modules" / "asparaginase-aya-all" / "module.yaml"
    data = yaml.safe_load(module_yaml.read_text(encoding="utf-8"))
    data["title"] = f"Title {HOSTILE}"
    data["key_learning"] = f"Learning {HOSTILE}"
    data["references"][0]["text"] = f"Reference {HOSTILE}"  # the list of references is HTML
    module_yaml.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    site_yaml = content / "site.yaml"  # the site chrome is HTML that Rounds writes
    site = yaml.safe_load(site_yaml.read_text(encoding="utf-8"))
    site["disclosure"]["statement"] = f"Statement {HOSTILE}"
    site["disclosure"]["funders"][0]["name"] = f"Funder {HOSTILE}"
    site_yaml.write_text(yaml.safe_dump(site, allow_unicode=True), encoding="utf-8")
    article = module_yaml.parent / "article.md"
    article.write_text(
        article.read_text(encoding="utf-8") + f'\n\n<iframe srcdoc="<script>alert(3)</script>">'
        f"</iframe>\n\nBody {HOSTILE}\n",
        encoding="utf-8",
    )
    dialogs: list[str] = []
    with running_server(tmp_path / "server", {"ROUNDS_CONTENT_DIR": str(content)}) as server:
        page = browser.new_page()
        page.set_default_timeout(TIMEOUT)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(f"{server}/article?module=asparaginase-aya-all")
        pass_gate(page)
        expect(page.get_by_text("Learning <img src=x", exact=False)).to_be_visible()
        expect(page.get_by_role("heading", name="Title <img", exact=False)).to_be_visible()
        expect(page.get_by_text("Statement <img src=x", exact=False)).to_be_visible()
        expect(page.locator("#ref-1")).to_contain_text("Reference <img src=x")
        page.get_by_text("View funders").click()
        expect(page.get_by_role("cell", name="Funder <img", exact=False)).to_be_visible()
        assert page.locator("iframe[srcdoc]").count() == 0
        assert page.locator("img[src='x']").count() == 0
        page.wait_for_timeout(500)
        page.close()
    assert dialogs == []
