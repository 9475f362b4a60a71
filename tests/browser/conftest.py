"""Browser-test fixtures: a freshly started Rounds server and the system Chromium."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("ROUNDS_REQUIRE_BROWSER") == "1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{log.read_text()[-3000:]}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as resp,
        ):
            if resp.status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not healthy after {seconds}s:\n{log.read_text()[-3000:]}")


@contextlib.contextmanager
def running_server(folder: Path, extra_env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `streamlit run server.py` on a free port with its own data; yield its base URL."""
    port = _free_port()
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "ROUNDS_DATA_DIR": str(folder / "data"),
        "ROUNDS_DATABASE_URL": f"sqlite:///{folder / 'rounds.db'}",
        **(extra_env or {}),
    }
    log = folder / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "server.py",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, proc, log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
