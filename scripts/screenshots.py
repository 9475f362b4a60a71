"""Write screenshots of every page, at desktop and phone sizes, to docs/screenshots/.

Usage: .venv/bin/python scripts/screenshots.py   (starts its own server on a temporary database)
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, running_server  # noqa: E402
from tests.browser.gate_steps import expect_gate, pass_gate, wait_for_cookie  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
PAGES = {
    "home": "/",
    "article": "/article",
    "quiz": "/quiz",
    "evaluation": "/evaluation",
    "poll": "/poll",
    "completion": "/completion",
}


def settle(page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=20_000)
    page.wait_for_timeout(500)


def main() -> None:
    """Start a server, pass the gate and save a full-page screenshot of each page and size."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp)) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            context = browser.new_context(viewport=viewport, device_scale_factor=1)
            page = context.new_page()
            page.goto(base + "/")
            expect_gate(page)
            settle(page)
            page.screenshot(path=OUT / f"gate-{size}.png", full_page=True)
            pass_gate(page)
            wait_for_cookie(context)
            for name, path in PAGES.items():
                page.goto(base + path)
                settle(page)
                tall = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
                page.set_viewport_size({"width": viewport["width"], "height": max(tall, 600)})
                page.wait_for_timeout(300)
                page.screenshot(path=OUT / f"{name}-{size}.png")
                page.set_viewport_size(viewport)
                print(OUT / f"{name}-{size}.png")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
