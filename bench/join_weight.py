"""Measure one phone's cold join: `/j/<slug>` -> HCP gate -> vote -> live results on screen.

    .venv/bin/python bench/join_weight.py [--runs 5] [--network local|slow-4g|all]
        [--write-readme] [--requests FILE]

Starts its own server (with the `cpu-clock` patch of `bench/loadgen/variant.py`) on a temporary
database, joins once to warm it up, then joins N times, each as a new phone: a fresh browser
context at 390x844 with touch, an empty cache and no cookie. For each join:

- bytes over the wire: the encoded length of every HTTP response the page and its frames
  received (CDP `Network.loadingFinished`, or the data received so far for a stream still open
  at the end), plus the payloads of the websocket frames both ways;
- requests: every HTTP request the page and its frames made (the websocket counted once);
- "gate usable": from the navigation's start (the scan) until the gate's heading and its Enter
  button are on screen (checked on every animation frame);
- "results on screen": until the live results, after the phone's vote, show the new count
  with its bars drawn; the bench picks and votes as soon as each control is there, so this is
  the network's and the server's time, not a person's;
- server CPU: the server process's CPU time (all its threads, read from the process itself)
  from just before the navigation until the join's network has been quiet for 2 s, less what
  the server uses with no browser at all over as long (its background, measured for 3 s just
  before: some 6 ms a second on this machine); it includes the half-second poll watcher that
  runs while the phone follows the results stream;
- printed beside each join: the server's CPU for sending that join's Streamlit files
  (`/static/`) again, without a browser, the part of the join's CPU that is Streamlit's files.

`--network slow-4g` throttles the browser as Lighthouse's mobile profile does (150 ms round
trip, 1.6 Mbit/s down, 750 kbit/s up). `--write-readme` puts the medians into README.md's
"Page weight" table; `--requests FILE` writes the last join's request list (URL, type, bytes).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import server  # noqa: E402
from bench.loadgen.variant import CPU_SOCKET, read_cpu_clock  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path  # noqa: E402
from tests.browser.gate_steps import SITE  # noqa: E402
from tests.browser.tour import MODULE  # noqa: E402

PHONE = {"width": 390, "height": 844}
NETWORKS = {
    "local": None,
    "slow-4g": {
        "offline": False,
        "latency": 150,
        "downloadThroughput": 1_600_000 / 8,
        "uploadThroughput": 750_000 / 8,
    },
}
QUIET_S = 2.0
IDLE_S = 3.0
TIMEOUT_MS = 120_000
README = ROOT / "README.md"

# Evaluated on every animation frame: the epoch time (ms) once the gate can be used.
GATE_USABLE = """([title]) => {
  const heading = [...document.querySelectorAll('h1, h2, h3')]
    .find(h => h.textContent.includes(title) && h.getBoundingClientRect().height > 0);
  const enter = [...document.querySelectorAll('button')]
    .find(b => b.innerText.trim() === 'Enter' && b.getBoundingClientRect().height > 0);
  return heading && enter ? performance.timeOrigin + performance.now() : false;
}"""
# In the live-results frame: the epoch time (ms) once the count is `total` and the bars drawn.
RESULTS_SHOWN = """([total]) => {
  const text = document.getElementById('text');
  const chart = document.getElementById('chart');
  const counted = text && text.textContent.startsWith(total + (total === 1 ? ' vote.' : ' votes.'));
  const drawn = chart && !chart.hidden && chart.getBoundingClientRect().height > 0
    && chart.querySelector('svg, .bar');
  return counted && drawn ? performance.timeOrigin + performance.now() : false;
}"""


def frame_bytes(payload: str, opcode: int) -> int:
    """Return a websocket frame's payload size (CDP sends binary frames base64-encoded)."""
    return len(base64.b64decode(payload)) if opcode == 2 else len(payload.encode())


class Wire:
    """What went over the network for one page and its same-origin frames (CDP events)."""

    def __init__(self, cdp) -> None:
        self.requests: dict[str, dict] = {}
        self.websocket = 0
        self.websockets = 0
        self.last_event = time.monotonic()
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.webSocketCreated", self._socket)
        cdp.on("Network.webSocketFrameReceived", self._frame)
        cdp.on("Network.webSocketFrameSent", self._frame)

    def _touch(self) -> None:
        self.last_event = time.monotonic()

    def _sent(self, event: dict) -> None:
        url = event["request"]["url"]
        if url.startswith(("data:", "blob:")):
            return
        entry = self.requests.setdefault(event["requestId"], {"url": url, "data": 0, "done": None})
        entry["url"] = url  # a redirect keeps the request id: the last URL names it
        entry["redirects"] = entry.get("redirects", 0) + ("redirectResponse" in event)
        entry["type"] = event.get("type", "")
        self._touch()

    def _response(self, event: dict) -> None:
        if entry := self.requests.get(event["requestId"]):
            entry["encoding"] = {k.lower(): v for k, v in event["response"]["headers"].items()}.get(
                "content-encoding", ""
            )

    def _data(self, event: dict) -> None:
        if entry := self.requests.get(event["requestId"]):
            entry["data"] += event.get("encodedDataLength", 0)
        self._touch()

    def _finished(self, event: dict) -> None:
        if entry := self.requests.get(event["requestId"]):
            entry["done"] = event["encodedDataLength"]
        self._touch()

    def _socket(self, event: dict) -> None:
        self.websockets += 1

    def _frame(self, event: dict) -> None:
        self.websocket += frame_bytes(event["response"]["payloadData"], event["response"]["opcode"])
        self._touch()

    def http_bytes(self) -> int:
        """Return the bytes of every HTTP response (headers included) received so far."""
        return sum(max(r["done"] or 0, r["data"]) for r in self.requests.values())

    def listing(self) -> list[dict]:
        """Return each request's URL, type, encoding and bytes, largest first."""
        rows = [
            {
                "url": r["url"],
                "type": r.get("type", ""),
                "encoding": r.get("encoding", ""),
                "bytes": max(r["done"] or 0, r["data"]),
            }
            for r in self.requests.values()
        ]
        return sorted(rows, key=lambda r: -r["bytes"])


def wait_quiet(wire: Wire, seconds: float = QUIET_S, limit: float = 90) -> None:
    """Wait until no request, response data or frame has come for `seconds`."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and time.monotonic() - wire.last_event < seconds:
        time.sleep(0.1)


def idle_cpu_rate(clock: str, seconds: float = IDLE_S) -> float:
    """Return the server's CPU seconds per second with no browser connected (its background)."""
    before = read_cpu_clock(clock)
    time.sleep(seconds)
    return (read_cpu_clock(clock) - before) / seconds


def pass_gate_quickly(page) -> None:
    """Attest and enter as a nurse, each step as soon as its control is there."""
    page.get_by_text(SITE.gate.attest_label).click()
    page.get_by_role("radiogroup", name="Your profession").get_by_text("Nurse").click()
    page.get_by_role("button", name="Enter").click()


def cold_join(browser, base: str, clock: str, network: dict | None, total: int) -> dict:
    """Join once as a new phone; `total` is the poll's vote count once this phone has voted."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    if network:
        cdp.send("Network.emulateNetworkConditions", network)
    wire = Wire(cdp)
    idle = idle_cpu_rate(clock)
    cpu_before, wall_before = read_cpu_clock(clock), time.monotonic()
    page.goto(f"{base}/j/{MODULE.slug}", wait_until="commit")
    start = page.evaluate("performance.timeOrigin")
    gate = page.wait_for_function(
        GATE_USABLE, arg=[SITE.gate.title], polling="raf", timeout=TIMEOUT_MS
    ).json_value()
    pass_gate_quickly(page)
    group = page.get_by_role("radiogroup", name=MODULE.poll.question)
    group.get_by_text(MODULE.poll.options[0].label, exact=True).click()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("Your vote:")).to_be_visible(timeout=TIMEOUT_MS)
    # On a slow network the results' frame may still be loading when the vote is acknowledged.
    frame = page.wait_for_selector("iframe[title*='live_results']").content_frame()
    frame.wait_for_load_state()
    shown = frame.wait_for_function(
        RESULTS_SHOWN, arg=[total], polling="raf", timeout=TIMEOUT_MS
    ).json_value()
    wait_quiet(wire)
    cpu = read_cpu_clock(clock) - cpu_before - idle * (time.monotonic() - wall_before)
    result = {
        "gate_ms": gate - start,
        "results_ms": shown - start,
        "http": wire.http_bytes(),
        "websocket": wire.websocket,
        "requests": len(wire.requests) + wire.websockets,
        "cpu_ms": cpu * 1000,
        "listing": wire.listing(),
    }
    context.close()
    return result


def static_cpu_ms(clock: str, listing: list[dict]) -> float:
    """Return the server's CPU (ms) for sending again the Streamlit files (`/static/`) of a join.

    Fetched one after the other without a browser, accepting gzip as a browser does: the share of
    a join's server CPU that goes to Streamlit's own files rather than to Rounds' work.
    """
    urls = [
        r["url"] for r in listing if urllib.parse.urlsplit(r["url"]).path.startswith("/static/")
    ]
    before = read_cpu_clock(clock)
    for url in urls:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip, deflate, br"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
    return (read_cpu_clock(clock) - before) * 1000


def measure(runs: int, network: str) -> list[dict]:
    """Start a server, join once to warm it, and return one measurement per cold join."""
    with tempfile.TemporaryDirectory() as tmp:
        clock = str(Path(tmp) / "cpu.sock")
        with (
            server.running(
                Path(tmp) / "server", extra_env={CPU_SOCKET: clock}, patches="cpu-clock"
            ) as host,
            sync_playwright() as pw,
        ):
            base = f"http://{host.host}:{host.port}"
            browser = pw.chromium.launch(executable_path=_chromium_path(), args=CHROMIUM_ARGS)
            cold_join(browser, base, clock, NETWORKS[network], 1)  # warm the server
            results = [
                cold_join(browser, base, clock, NETWORKS[network], 2 + i) for i in range(runs)
            ]
            browser.close()
            for r in results:  # (no browser running now: the server's CPU is the files' alone)
                r["static_cpu_ms"] = static_cpu_ms(clock, r["listing"])
    return results


FIGURES = ("gate_ms", "results_ms", "http", "websocket", "requests", "cpu_ms")


def summary(results: list[dict]) -> dict:
    """Return the median of each figure."""
    return {key: statistics.median(r[key] for r in results) for key in FIGURES}


def table(figures: dict[str, dict], runs: int) -> str:
    """Return the figures as a Markdown table, one row per network profile."""
    lines = [
        "| network | gate usable | vote counted, results on screen | HTTP | websocket "
        "| over the wire | requests | server CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for network, f in figures.items():
        lines.append(
            f"| {network} | {f['gate_ms'] / 1000:.1f} s | {f['results_ms'] / 1000:.1f} s "
            f"| {f['http'] / 1024:.0f} KiB | {f['websocket'] / 1024:.1f} KiB "
            f"| {(f['http'] + f['websocket']) / 1024:.0f} KiB | {f['requests']:.0f} "
            f"| {f['cpu_ms']:.0f} ms |"
        )
    lines.append("")
    lines.append(
        f"Median of {runs} cold joins through `/j/<slug>` (a new phone each: 390x844, touch, empty "
        f"cache, no cookie), headless Chromium against a local server on one {os.cpu_count()}-core "
        f"{platform.machine()} machine (its load shows in the times and the CPU; the bytes do "
        "not vary). Server CPU: the server process's own, less its background with no browser."
    )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    """Replace the figures between the join-weight markers in README.md."""
    readme = README.read_text(encoding="utf-8")
    start, end = "<!-- join-weight:start -->", "<!-- join-weight:end -->"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if not pattern.search(readme):
        raise SystemExit("README.md has no join-weight markers")
    README.write_text(pattern.sub(f"{start}\n{text}\n{end}", readme), encoding="utf-8")


def main() -> None:
    """Measure, print the medians and optionally write them into the README."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--network", choices=[*NETWORKS, "all"], default="all", help="throttling profile"
    )
    parser.add_argument("--write-readme", action="store_true")
    parser.add_argument("--requests", type=Path, help="write the last join's requests (JSON)")
    args = parser.parse_args()
    networks = list(NETWORKS) if args.network == "all" else [args.network]
    figures, listings = {}, {}
    for network in networks:
        results = measure(args.runs, network)
        for r in results:
            print(network, {k: round(r[k]) for k in (*FIGURES, "static_cpu_ms")}, flush=True)
        figures[network] = summary(results)
        listings[network] = results[-1]["listing"]
    text = table(figures, args.runs)
    print(text)
    if args.requests:
        args.requests.write_text(json.dumps(listings, indent=1), encoding="utf-8")
    if args.write_readme:
        write_readme(text)


if __name__ == "__main__":
    main()
