"""Time what the educator does on the console until the projector's screen view shows it.

    .venv/bin/python bench/console_to_screen.py [--runs 10]

Starts a Rounds server on a temporary database, signs in on a console (1280x900) and opens the
screen view (1280x720) in a second browser with the same cookies, as an educator does. Each run
presses one console control and waits, in the screen's page, for the change to be drawn:

- *Close poll* / *Open poll*: the screen's live results say "Closed" / "Open for votes" (the
  database write, the live feed's next read, within 0.5 s, and the stream's event);
- the *Results* pill: the screen's bars hidden / shown again (the screen checks what it shows
  twice a second and reruns).

Times run from just before the click (Playwright's, in this process) to the screen's frame
seeing the change (checked every animation frame), so they include Playwright's own round trips
of a few milliseconds. Prints the median and the maximum of each; no test asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Frame, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rounds.rules.educator import ENV_HASH, hash_password  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, running_server  # noqa: E402
from tests.browser.console_steps import PASSWORD, open_console, open_screen  # noqa: E402

HEADING_HAS = "text => document.getElementById('heading').textContent.startsWith(text)"
CHART_HIDDEN = "hidden => document.getElementById('chart').hidden === hidden"


def live_frame(page: Page) -> Frame:
    """Return the screen's live-results frame, once it has drawn its heading."""
    page.frame_locator("iframe[title*='live_results']").first.locator("#heading").wait_for()
    return next(f for f in page.frames if "live_results" in f.url)


def timed(press, frame: Frame, check: str, arg) -> float:
    """Press a console control; return the seconds until `check(arg)` holds on the screen."""
    start = time.monotonic()
    press()
    frame.wait_for_function(check, arg=arg, polling="raf", timeout=30_000)
    return time.monotonic() - start


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<34} n={len(times):<3} median {statistics.median(times):.3f} s"
        f"  max {max(times):.3f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="presses of each kind")
    runs = parser.parse_args().runs
    env = {ENV_HASH: hash_password(PASSWORD, iterations=1000)}
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp), env) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        context, console = open_console(browser, base)
        screen = open_screen(browser, base, context)
        frame = live_frame(screen)
        frame.wait_for_function(HEADING_HAS, arg="Open for votes", timeout=30_000)
        state: dict[str, list[float]] = {"close": [], "open": []}
        shown: dict[str, list[float]] = {"hide": [], "show": []}
        for _ in range(runs):
            for label, text, into in (
                ("Close poll", "Closed", state["close"]),
                ("Open poll", "Open for votes", state["open"]),
            ):
                button = console.get_by_role("button", name=label)
                button.wait_for()
                console.wait_for_timeout(300)  # let the console's own rerun settle
                into.append(timed(button.click, frame, HEADING_HAS, text))
            for hidden, into in ((True, shown["hide"]), (False, shown["show"])):
                pill = console.get_by_role("button", name="Results")
                console.wait_for_timeout(300)
                into.append(timed(pill.click, frame, CHART_HIDDEN, hidden))
        report("Close poll -> screen says Closed", state["close"])
        report("Open poll -> screen says Open", state["open"])
        report("Results pill -> bars hidden", shown["hide"])
        report("Results pill -> bars shown", shown["show"])
        report("all presses", [t for times in (*state.values(), *shown.values()) for t in times])
        browser.close()


if __name__ == "__main__":
    main()
