"""Measure the article page: first paints and bytes transferred, median of N cold loads.

    .venv/bin/python bench/page_weight.py [--runs 5] [--network local|slow-4g] [--write-readme]

Starts its own server on a temporary database, attests once, then loads the article N times,
each in a fresh browser context (an empty HTTP cache: a cold load) on the system Chromium:

- first contentful paint, from the Performance API (`first-contentful-paint`);
- "meaningful": when the article's title heading is first laid out and painted (a mutation
  observer set before the page loads, timed at the next animation frame);
- bytes over HTTP: `transferSize` of the navigation and of every resource entry;
- bytes over the websocket: the payloads of the frames the page received (CDP
  `Network.webSocketFrameReceived`), where the script run's content arrives.

`--network slow-4g` throttles the browser as Lighthouse's mobile profile does (150 ms round
trip, 1.6 Mbit/s down, 750 kbit/s up). `--write-readme` puts the figures into README.md's
"Page weight" section.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import re
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, running_server  # noqa: E402
from tests.browser.gate_steps import pass_gate, wait_for_cookie  # noqa: E402
from tests.browser.tour import MODULE, module_url, settle  # noqa: E402

NETWORKS = {
    "local": None,
    "slow-4g": {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 1_600_000 / 8,
        "uploadThroughput": 750_000 / 8,
    },
}
WATCH_TITLE = """title => {
  performance.setResourceTimingBufferSize(10000);
  window.__meaningful = null;
  new MutationObserver((_, observer) => {
    const shown = [...document.querySelectorAll('h1')].find(
      h => h.textContent.includes(title) && h.getBoundingClientRect().height > 0);
    if (shown) {
      observer.disconnect();
      requestAnimationFrame(() => { window.__meaningful = performance.now(); });
    }
  }).observe(document, {subtree: true, childList: true, characterData: true});
}"""
READ_TIMINGS = """() => {
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const navigation = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  return {
    fcp: paint ? paint.startTime : null,
    meaningful: window.__meaningful,
    http: navigation.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    requests: resources.length + 1,
  };
}"""
README = ROOT / "README.md"


def frame_bytes(payload: str, opcode: int) -> int:
    """Return a websocket frame's payload size (CDP sends binary frames base64-encoded)."""
    return len(base64.b64decode(payload)) if opcode == 2 else len(payload.encode())


def cold_load(browser, state: dict, url: str, network: dict | None) -> dict:
    """Load `url` once in a fresh context and return its timings and bytes."""
    context = browser.new_context(storage_state=state, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if network:
        cdp.send("Network.emulateNetworkConditions", network)
    received = []
    cdp.on(
        "Network.webSocketFrameReceived",
        lambda event: received.append(
            frame_bytes(event["response"]["payloadData"], event["response"]["opcode"])
        ),
    )
    page.add_init_script(f"({WATCH_TITLE})({MODULE.title!r})")
    page.goto(url)
    expect(page.get_by_role("heading", name=MODULE.title)).to_be_visible(timeout=60_000)
    settle(page)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("window.__meaningful !== null")
    result = page.evaluate(READ_TIMINGS) | {"websocket": sum(received)}
    context.close()
    return result


def measure(runs: int, network: str) -> list[dict]:
    """Start a server, attest once, and return one measurement per cold load."""
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_server(Path(tmp)) as base,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/")
        pass_gate(page)
        wait_for_cookie(context)
        state = context.storage_state()
        context.close()
        url = module_url(base, "article")
        cold_load(browser, state, url, NETWORKS[network])  # warm the server, not the browser
        results = [cold_load(browser, state, url, NETWORKS[network]) for _ in range(runs)]
        browser.close()
    return results


def summary(results: list[dict]) -> dict:
    """Return the median of each figure."""
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def table(figures: dict[str, dict], runs: int) -> str:
    """Return the figures as a Markdown table, one row per network profile."""
    lines = [
        "| network | first contentful paint | title visible | HTTP | websocket | requests |",
        "|---|---|---|---|---|---|",
    ]
    for network, f in figures.items():
        lines.append(
            f"| {network} | {f['fcp']:.0f} ms | {f['meaningful']:.0f} ms "
            f"| {f['http'] / 1024:.0f} KiB | {f['websocket'] / 1024:.1f} KiB "
            f"| {f['requests']:.0f} |"
        )
    lines.append("")
    lines.append(
        f"Median of {runs} cold loads of `/article` (fresh browser context each), headless "
        f"Chromium against a local server on one {os.cpu_count()}-core {platform.machine()} "
        "machine (its load shows in the times; the bytes do not vary)."
    )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the figures between the page-weight markers in README.md."""
    readme = README.read_text(encoding="utf-8")
    start, end = "<!-- page-weight:start -->", "<!-- page-weight:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        raise SystemExit("README.md has no page-weight markers")
    README.write_text(pattern.sub(f"{start}\n{text}\n{end}", readme), encoding="utf-8")


def main() -> None:
    """Measure, print the medians and optionally write them into the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--network", choices=[*NETWORKS, "all"], default="all", help="throttling profile"
    )
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    networks = list(NETWORKS) if args.network == "all" else [args.network]
    figures = {}
    for network in networks:
        results = measure(args.runs, network)
        for r in results:
            print(network, {k: round(v) for k, v in r.items()})
        figures[network] = summary(results)
    text = table(figures, args.runs)
    print(text)
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
