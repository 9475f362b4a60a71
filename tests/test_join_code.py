"""The short join code: four digits per module in content, unique, accepted at `/j/<code>`."""

from __future__ import annotations

import http.client
import shutil
import time
from pathlib import Path

import pytest
import yaml

from deploy import replica
from rounds.content.loader import load_catalog
from tests.apptest import PAGES, attest, fresh_app
from tests.conftest import CONTENT, edit_module

FIRST = "asparaginase-aya-all"
CODE = load_catalog(CONTENT).get(FIRST).module.join_code


def set_code(content: Path, code, folder: str = FIRST) -> None:
    """Give the module in `folder` the join code `code` (None: no code)."""
    edit_module(
        content,
        lambda d: d.pop("join_code", None) if code is None else d.update(join_code=code),
        folder,
    )


def test_the_module_has_a_four_digit_code_and_is_found_by_it():
    catalog = load_catalog(CONTENT)
    assert CODE is not None and len(CODE) == 4 and CODE.isdigit()
    assert catalog.by_join_code(CODE).module.slug == FIRST
    assert catalog.by_join_code("0000" if CODE != "0000" else "0001") is None
    assert catalog.by_join_code(None) is None and catalog.by_join_code("") is None


@pytest.mark.parametrize("code", ["482", "48210", "48a1", " 4821", "４８２１", ""])
def test_a_code_that_is_not_exactly_four_digits_is_refused_naming_the_file(content, code):
    set_code(content, code)
    (problem,) = load_catalog(content).problems
    assert problem.file == f"content/modules/{FIRST}/module.yaml"
    assert problem.field == "join_code" and "exactly 4 digits" in problem.message


def test_a_code_written_as_a_number_is_refused_with_the_quoted_form(content):
    set_code(content, 481)  # YAML reads 0481 as 481 (or as octal): the leading zero is lost
    (problem,) = load_catalog(content).problems
    assert problem.field == "join_code" and 'join_code: "0481"' in problem.message


def test_the_code_is_optional(content):
    set_code(content, None)
    catalog = load_catalog(content)
    assert catalog.problems == [] and catalog.get(FIRST).module.join_code is None


def test_two_modules_with_the_same_code_are_refused_naming_both_files(content):
    shutil.copytree(content / "modules" / FIRST, content / "modules" / "second")
    path = content / "modules" / "second" / "module.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["slug"] = "second-module"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    catalog = load_catalog(content)
    (problem,) = catalog.problems
    assert problem.file == "content/modules/second/module.yaml" and problem.field == "join_code"
    assert f"already used by content/modules/{FIRST}" in problem.message
    assert list(catalog.modules) == [FIRST]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("join")
    with replica.running(folder) as (port, _, log):
        yield port, log


def get(port: int, path: str) -> tuple[int, str | None, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    conn.request("GET", path)
    response = conn.getresponse()
    found = (response.status, response.getheader("Location"), response.read().decode())
    conn.close()
    return found


def test_the_code_route_sends_a_phone_to_the_poll_like_the_slug_route(server):
    port, _ = server
    by_slug = get(port, f"/j/{FIRST}")
    by_code = get(port, f"/j/{CODE}")
    assert by_code[:2] == by_slug[:2] == (303, f"/poll?module={FIRST}")


def test_a_wrong_code_gets_a_clear_message_and_a_log_line(server):
    port, log = server
    wrong = "0000" if CODE != "0000" else "0001"
    status, location, body = get(port, f"/j/{wrong}")
    assert status == 404 and location is None
    assert f"No module has the code {wrong}" in body and "four digits on the screen" in body
    deadline = time.monotonic() + 10
    while f"join code {wrong} refused" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert f"join code {wrong} refused" in log.read_text()


def test_the_home_page_field_takes_the_code_to_the_poll_and_refuses_a_wrong_one(
    monkeypatch, tmp_path, caplog
):
    at = fresh_app(monkeypatch, tmp_path)
    at.switch_page(PAGES["home"])
    attest(at.run())
    wrong = "0000" if CODE != "0000" else "0001"
    at.text_input(key="home_join_code").set_value(wrong)
    at.button(key="FormSubmitter:home_join-Join").click()
    with caplog.at_level("WARNING", logger="rounds.ui.join_code"):
        at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"No module has the code {wrong}. Check the four digits on the screen."
    ]
    assert f"field=home_join_code value='{wrong}'" in caplog.text
    at.text_input(key="home_join_code").set_value(CODE)
    at.button(key="FormSubmitter:home_join-Join").click()
    at.run()
    assert not at.exception and not at.error
    assert (
        at.radio(key="poll_choice").label.strip("*")
        == load_catalog(CONTENT).get(FIRST).module.poll.question
    )
