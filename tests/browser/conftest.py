"""Browser-test fixtures: a freshly started Rounds server and the system Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import replica

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("ROUNDS_REQUIRE_BROWSER") == "1"


@contextlib.contextmanager
def running_server(folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `streamlit run server.py` on a free port with its own data; yield its base URL."""
    with replica.running(folder, extra_env) as (port, _, _):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    """Yield the base URL of a Rounds server started fresh for this test."""
    with running_server(tmp_path / "server") as base:
        yield base


def _chromium_path() -> str | None:
    return (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )


@pytest.fixture(scope="session")
def browser():
    """Yield a Playwright browser on the system Chromium (skipped if there is none)."""
    path = _chromium_path()
    if path is None:
        reason = "no system Chromium (install the 'chromium' package)"
        if REQUIRE_BROWSER:
            pytest.fail(f"{reason}; ROUNDS_REQUIRE_BROWSER=1 makes this a failure")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def pytest_collection_modifyitems(items) -> None:
    """Mark every test under tests/browser/ as a browser test."""
    for item in items:
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
