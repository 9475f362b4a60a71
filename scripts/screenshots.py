"""Write screenshots of every page, at desktop and phone sizes, to docs/screenshots/.

Usage: .venv/bin/python scripts/screenshots.py [--only STOP ...]
(starts its own server on a temporary database; `--only presenter screen` saves just those)

The pages and states are the browser tests' tour (`tests/browser/tour.py`); each is saved as
`<stop>-<size>.png`, the whole page tall. The meeting's two views are also saved as a projector
and a laptop see them, at 1280x720 and no taller: `console-1280x720.png` (the presenter stop)
and `screen-1280x720.png`.
"""

from __future__ import annotations

import argparse
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
# Tour stops also saved at exactly 1280x720 (the README's meeting section), by file name.
AT_720P = {"presenter": "console-1280x720.png", "screen": "screen-1280x720.png"}
VIEW_720P = {"width": 1280, "height": 720}


def main() -> None:
    """Start a server, walk every page in each size and save a screenshot of each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", metavar="STOP", help="save only these stops")
    only = parser.parse_args().only
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
                if only and stop.name not in only:
                    return
                if size == "desktop" and stop.name in AT_720P:
                    page.set_viewport_size(VIEW_720P)
                    settle(page)
                    page.wait_for_timeout(1000)  # the frames take their height at this size
                    page.screenshot(path=OUT / AT_720P[stop.name])
                    print((OUT / AT_720P[stop.name]).relative_to(ROOT))
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
