"""Write screenshots of every page, at desktop and phone sizes, to docs/screenshots/.

Usage: .venv/bin/python scripts/screenshots.py   (starts its own server on a temporary database)

The pages and states are the browser tests' tour (`tests/browser/tour.py`); each is saved as
`<stop>-<size>.png`, the whole page tall.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, running_server  # noqa: E402
from tests.browser.tour import Stop, educator_env, settle, walk  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
MAIN_HEIGHT = "document.querySelector('[data-testid=stMain]').scrollHeight"


def main() -> None:
    """Start a server, walk every page in each size and save a screenshot of each."""
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp), educator_env()) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        for size, viewport in SIZES.items():
            phone = size == "phone"
            context = browser.new_context(
                viewport=viewport, device_scale_factor=1, is_mobile=phone, has_touch=phone
            )
            page = context.new_page()

            def shoot(stop: Stop, page=page, viewport=viewport, size=size) -> None:
                tall = max(page.evaluate(MAIN_HEIGHT), viewport["height"])
                page.set_viewport_size({"width": viewport["width"], "height": tall})
                settle(page)
                path = OUT / f"{stop.name}-{size}.png"
                page.screenshot(path=path)
                page.set_viewport_size(viewport)
                print(path.relative_to(ROOT))

            walk(page, base, shoot)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
