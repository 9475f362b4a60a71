"""Record every HTTP request of a cold phone join, for the room bench to replay.

    .venv/bin/python bench/record_join.py [--out FILE] [--url URL] [--first]

Starts a fresh server on a temporary database (or uses `--url`, e.g. the nginx of
`deploy/cluster.py`), lets one phone join (unless `--first`) and, once the server has had time
to compress what it sent, drives the system Chromium as a phone (390x844, touch, a mobile user
agent, an empty cache) through a cold join: `/j/<slug>` -> the HCP gate -> a vote -> the live
results visible. Every HTTP request the page and its frames make is recorded through the
DevTools protocol: method, path (content hashes kept as they are), resource type, status, bytes
over the wire (`encodedDataLength`: headers and body as received) and the body's
`Content-Encoding`, with the `Accept-Encoding` Chromium sent. The websocket and the
live-results stream are listed apart (they stay open; the room bench speaks them itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, _chromium_path, running_server  # noqa: E402
from tests.browser.gate_steps import TIMEOUT, pass_gate  # noqa: E402
from tests.browser.tour import MODULE  # noqa: E402

OUT = ROOT / "bench" / "requests" / "cold-join.json"
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Mobile Safari/537.36"
    ),
}


class Recorder:
    """The requests of one page (and its same-origin frames), from DevTools events."""

    def __init__(self) -> None:
        self.requests: dict[str, dict] = {}
        self.order: list[str] = []
        self.websockets: list[str] = []
        self.sent_headers: dict[str, dict] = {}

    def attach(self, cdp) -> None:
        """Listen to the Network domain of a DevTools session."""
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.on("Network.requestServedFromCache", self._from_cache)
        cdp.on("Network.requestWillBeSentExtraInfo", self._sent_headers)
        cdp.on("Network.webSocketCreated", lambda e: self.websockets.append(e["url"]))
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})

    def _sent(self, event: dict) -> None:
        rid, request = event["requestId"], event["request"]
        if event.get("redirectResponse"):  # the same id goes on after a redirect
            done = self.requests.pop(rid)
            done.update(
                status=event["redirectResponse"]["status"],
                bytes=event["redirectResponse"].get("encodedDataLength", 0),
            )
            self.requests[f"{rid}:{len(self.order)}"] = done
            self.order[self.order.index(rid)] = f"{rid}:{len(self.order)}"
        url = urlsplit(request["url"])
        if url.scheme not in ("http", "https"):
            return  # data: and blob: URLs never reach the server
        self.requests[rid] = {
            "method": request["method"],
            "path": url.path + (f"?{url.query}" if url.query else ""),
            "type": event.get("type", "Other"),
            "accept_encoding": _header(request.get("headers", {}), "accept-encoding"),
            "status": None,
            "bytes": None,
            "content_encoding": None,
            "from_cache": False,
        }
        self.order.append(rid)

    def _sent_headers(self, event: dict) -> None:
        """Note the headers the network stack really sent (Accept-Encoding is added there)."""
        self.sent_headers[event["requestId"]] = event.get("headers", {})

    def _response(self, event: dict) -> None:
        found = self.requests.get(event["requestId"])
        if found is not None:
            response = event["response"]
            found["status"] = response["status"]
            found["content_encoding"] = _header(response.get("headers", {}), "content-encoding")
            found["protocol"] = response.get("protocol")

    def _finished(self, event: dict) -> None:
        found = self.requests.get(event["requestId"])
        if found is not None:
            found["bytes"] = int(event.get("encodedDataLength", 0))

    def _failed(self, event: dict) -> None:
        found = self.requests.get(event["requestId"])
        if found is not None:
            found["error"] = event.get("errorText")

    def _from_cache(self, event: dict) -> None:
        found = self.requests.get(event["requestId"])
        if found is not None:
            found["from_cache"] = True

    def listing(self) -> list[dict]:
        """Return the requests in the order they were sent."""
        found = []
        for rid in self.order:
            request = self.requests.get(rid)
            if request is None:
                continue
            sent = self.sent_headers.get(rid.partition(":")[0], {})
            request["accept_encoding"] = _header(sent, "accept-encoding")
            found.append(request)
        return found


def _header(headers: dict, name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def join(page, base: str) -> float:
    """Join `base`'s poll on `page`: the join link, the gate, a vote; return when results show."""
    page.set_default_timeout(TIMEOUT)
    started = time.monotonic()
    page.goto(f"{base}/j/{MODULE.slug}")
    pass_gate(page)
    group = page.get_by_role("radiogroup", name=MODULE.poll.question)
    group.get_by_text(MODULE.poll.options[0].label, exact=True).click()
    page.get_by_role("button", name="Vote").click()
    expect(page.get_by_text("Your vote:")).to_be_visible(timeout=TIMEOUT)
    results = page.frame_locator("iframe[title*='live_results']").first
    heading = results.get_by_role("heading", name=re.compile(r"^Results so far"))
    expect(heading).to_be_visible(timeout=TIMEOUT)
    return time.monotonic() - started


def record(base: str, first: bool = False, settle_s: float = 3.0, warm_s: float = 10.0) -> dict:
    """Join `base`'s poll as a new phone; return the recording.

    Unless `first`, another phone joins before and the server gets `warm_s` seconds to finish
    compressing what it sent: the recording is of a phone in a room, not of the very first.
    """
    path = _chromium_path()
    if path is None:
        raise SystemExit("no system Chromium (install the 'chromium' package)")
    recorder = Recorder()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        if not first:
            earlier = browser.new_context(**PHONE)
            join(earlier.new_page(), base)
            earlier.close()
            time.sleep(warm_s)
        context = browser.new_context(**PHONE)
        page = context.new_page()
        recorder.attach(context.new_cdp_session(page))
        results_at = join(page, base)
        page.wait_for_timeout(settle_s * 1000)  # late requests (fonts, lazy chunks, images)
        browser_version = browser.version
        context.close()
        browser.close()
    requests = recorder.listing()
    return {
        "recorded": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "what": f"cold phone join: /j/{MODULE.slug} -> HCP gate -> vote -> live results"
        + (", the server's first phone" if first else ", after another phone joined"),
        "browser": f"Chromium {browser_version}, headless, {PHONE['user_agent']}",
        "viewport": PHONE["viewport"],
        "results_visible_s": round(results_at, 2),
        "streamlit": _streamlit_version(),
        "websockets": [urlsplit(u).path for u in recorder.websockets],
        "requests": requests,
    }


def _streamlit_version() -> str:
    from importlib.metadata import version

    return version("streamlit")


def summary(recording: dict) -> str:
    """Describe a recording in a few lines: requests, bytes, by type and encoding."""
    reqs = recording["requests"]
    total = sum(r["bytes"] or 0 for r in reqs)
    by_type: dict[str, list[int]] = {}
    for r in reqs:
        by_type.setdefault(r["type"], []).append(r["bytes"] or 0)
    lines = [f"{len(reqs)} requests, {total / 1024:.0f} KiB over the wire"]
    for kind, sizes in sorted(by_type.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"  {kind:<12} {len(sizes):>4} requests {sum(sizes) / 1024:>8.0f} KiB")
    encodings: dict[str, int] = {}
    for r in reqs:
        key = r["content_encoding"] or "none"
        encodings[key] = encodings.get(key, 0) + (r["bytes"] or 0)
    lines.append(
        "  by Content-Encoding: "
        + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sorted(encodings.items()))
    )
    lines.append(f"  results visible after {recording['results_visible_s']} s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Record a cold join and write it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--url", help="join this running server instead of starting one")
    parser.add_argument(
        "--first", action="store_true", help="record the server's first phone (no join before)"
    )
    args = parser.parse_args(argv)
    if args.url:
        recording = record(args.url.rstrip("/"), args.first)
    else:
        with (
            tempfile.TemporaryDirectory(prefix="rounds-record-") as folder,
            running_server(Path(folder) / "server") as base,
        ):
            recording = record(base, args.first)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(recording, indent=1) + "\n", encoding="utf-8")
    print(summary(recording))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
