"""Time one script run of every Rounds page against an empty Streamlit page, over the protocol.

    .venv/bin/python bench/page_times.py [--runs 20] [--write-docs]

Starts a Rounds server and a server for an empty page (same `.streamlit/config.toml`), opens
one simulated browser on each (`bench/loadgen/session.py`), passes the gate, then for every page
runs it once to warm up and `--runs` times more, timing each run from the rerun request to its
`script_finished` on an otherwise idle server (so the figure is the page's run time plus a
loopback round trip, which the empty page's figure shows). The poll is timed before and after
voting, and so is its live-results fragment alone. `--write-docs` rewrites the "Page run
times" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import docs, server, stats  # noqa: E402
from bench.loadgen.session import Session  # noqa: E402

DOCS = ROOT / "docs" / "performance.md"
HEADING = "## Page run times"
MODULE = "module=asparaginase-aya-all"
PAGES = ["", "article", "quiz", "evaluation", "poll", "completion", "presenter", "dashboard"]


@dataclass
class Row:
    """One page's timings: wall time of each run, server CPU per run, bytes per run."""

    name: str
    times: list[float]
    cpu_ms: float
    size: float


async def _timed(
    name: str, session: Session, pid: int, runs: int, once: Callable[[], Awaitable[object]]
) -> Row:
    await once()  # warm-up
    before, cpu_before = session.counters.bytes_in, server.sample(pid).cpu_s
    times = []
    for _ in range(runs):
        started = time.monotonic()
        await once()
        times.append(time.monotonic() - started)
    cpu = server.sample(pid).cpu_s - cpu_before
    return Row(name, times, 1000 * cpu / runs, (session.counters.bytes_in - before) / runs)


async def measure(rounds: server.Server, empty: server.Server, runs: int) -> list[Row]:
    """Return the timings of the empty page, then of every Rounds page."""
    found: list[Row] = []
    pid = empty.proc.pid
    blank = Session(empty.host, empty.port, "", "", follow_auto_reruns=False, quick_ack=True)
    await blank.open()
    found.append(await _timed("empty Streamlit page", blank, pid, runs, blank.rerun))
    await blank.close()
    browser_like = Session(empty.host, empty.port, "", "", follow_auto_reruns=False)
    await browser_like.open()
    name = "empty Streamlit page, ACKs delayed as a browser's are"
    found.append(await _timed(name, browser_like, pid, runs, browser_like.rerun))
    await browser_like.close()

    pid = rounds.proc.pid
    tab = Session(rounds.host, rounds.port, "", "", follow_auto_reruns=False, quick_ack=True)
    await tab.open()
    found.append(await _timed("HCP gate (not attested)", tab, pid, runs, tab.rerun))
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    await tab.click("gate_submit")
    for page in PAGES:
        if page not in tab.pages:
            continue
        query = MODULE if page else ""
        await tab.goto(page, query)
        name = f"/{page}" + (f"?{query}" if query else "")
        name += " (before voting)" if page == "poll" else ""
        found.append(await _timed(name, tab, pid, runs, tab.rerun))
        if page == "poll":
            found += await _poll_after_vote(tab, pid, runs)
    await tab.close()
    return found


async def _poll_after_vote(tab: Session, pid: int, runs: int) -> list[Row]:
    await tab.set_value("poll_choice", string_value=tab.options("poll_choice")[0])
    await tab.click("poll_vote")
    rows = [await _timed(f"/poll?{MODULE} (after voting)", tab, pid, runs, tab.rerun)]
    fragment = next(iter(tab.live_fragments), None)
    if fragment is not None:  # the earlier design: results refreshed by a timed fragment
        name = "poll live-results fragment alone (every 2 s per viewer)"
        rows.append(await _timed(name, tab, pid, runs, lambda: tab.rerun_fragment(fragment)))
    options = iter(tab.options("poll_choice") * (runs + 1))

    async def pick() -> object:  # what a phone costs per tap on an option: the poll's fragment
        return await tab.set_value("poll_choice", string_value=next(options))

    rows.append(
        await _timed(
            "poll: picking an option (reruns only the poll's fragment)", tab, pid, runs, pick
        )
    )
    return rows


def table(rows: list[Row]) -> str:
    """Return the timings as a Markdown table with the ratio to the empty page's CPU."""
    base = rows[0].cpu_ms or 1e-9
    lines = [
        "| page | server CPU per run (ms) | x empty page | run p50 (ms) | run p95 (ms) "
        "| KB sent per run |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        p50 = stats.percentile(row.times, 50) or 0.0
        p95 = stats.percentile(row.times, 95) or 0.0
        cells = [row.name, f"{row.cpu_ms:.1f}", f"{row.cpu_ms / base:.0f}"]
        cells += [f"{p50 * 1000:.1f}", f"{p95 * 1000:.1f}", f"{row.size / 1024:.1f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(rows: list[Row], runs: int, options: str = "", label: str = "") -> str:
    """Return the docs section."""
    box = server.machine()
    return f"""{HEADING}{f" ({label})" if label else ""}

Measured on {dt.date.today().isoformat()}; this section is rewritten by
`.venv/bin/python bench/page_times.py --runs {runs}{options} --write-docs`. Machine: {box["cpu"]},
{box["cpus"]} CPUs, {box["memory"]} memory, {box["os"]}, Python {box["python"]}.

One participant on an otherwise idle server, {runs} runs of each page after one warm-up. "Server
CPU per run" is the server process's CPU time (from /proc) over those runs divided by their
number, which other work on the machine hardly disturbs; "x empty page" divides it by the same
figure for a script with no Streamlit call, served with the same configuration. The run times
are wall time from the rerun request to the run's `script_finished` over the websocket.
The client acknowledges TCP segments at once (TCP_QUICKACK) so that the figures are the
server's work; the second row shows what a browser, which delays its ACKs, sees on the same
empty page: Streamlit 1.67 does not set TCP_NODELAY on its websocket (its listening socket is
created with protocol 0, and asyncio only sets TCP_NODELAY for IPPROTO_TCP sockets), so the
second small message of every reply waits for the browser's delayed ACK (40 ms on Linux).

{table(rows)}
"""


def write_docs(text: str) -> None:
    """Replace (or add) this page-times section of docs/performance.md."""
    docs.replace_section(DOCS, text, "Performance")


def main(argv: list[str] | None = None) -> int:
    """Start both servers, time the pages, print and optionally write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--patches", default="", help="what-if patches: nodelay,chart-cache")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="run the app from this checkout")
    parser.add_argument("--label", default="", help="a name for this variant in the docs")
    parser.add_argument("--nice", type=int, default=0, help="priority change (negative: root)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)  # the servers started below inherit it
    if not 1 <= args.runs <= 1_000:
        parser.error("--runs must be between 1 and 1,000")
    folder = Path(tempfile.mkdtemp(prefix="rounds-pages-"))
    try:
        empty_script = folder / "empty_page.py"
        empty_script.write_text('"""An empty Streamlit page: the baseline."""\n')
        with (
            server.running(
                folder / "rounds", root=args.app_dir.resolve(), patches=args.patches
            ) as rounds,
            server.running(
                folder / "empty", script=str(empty_script), patches=args.patches
            ) as empty,
        ):
            rows = asyncio.run(measure(rounds, empty, args.runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))
    if args.write_docs:
        options = (f" --patches {args.patches}" if args.patches else "") + (
            f" --nice {args.nice}" if args.nice else ""
        )
        if args.app_dir.resolve() != ROOT:
            options += f" --app-dir {args.app_dir}"
        if args.label:
            options += f" --label '{args.label}'"
        write_docs(section(rows, args.runs, options, args.label))
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
