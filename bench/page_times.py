"""Time one script run of every Rounds page against an empty Streamlit page, over the protocol.

    .venv/bin/python bench/page_times.py [--runs 300] [--blocks 5] [--pairs 3] [--write-docs]

Starts a Rounds server and a server for an empty page (same `.streamlit/config.toml`) and opens
one simulated browser tab (`bench/loadgen/session.py`) per row: the empty page, the gate, and
every page past the gate, the poll before and after voting. Each tab runs its page once to warm
up, then `--runs` times in `--blocks` rounds that visit every tab in turn, timing each run from
the rerun request to its `script_finished` and reading the server's CPU time around each block.
A page's ratio to the empty page is taken within each round (so a busy spell of the shared
machine weighs on both alike) and the median of the rounds is reported. `--write-docs` rewrites
the "Page run times" section of docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import docs, server, stats  # noqa: E402
from bench.loadgen import learner_states as states  # noqa: E402
from bench.loadgen.participant import ATTEST_IMAGE  # noqa: E402
from bench.loadgen.variant import CPU_SOCKET, read_cpu_clock  # noqa: E402
from rounds.content.loader import load_catalog  # noqa: E402
from rounds.rules.educator import ENV_PLAIN  # noqa: E402
from stclient.session import Session  # noqa: E402

DOCS = ROOT / "docs" / "performance.md"
HEADING = "## Page run times"
MODULE = "module=asparaginase-aya-all"
PAGES = ["", "article", "quiz", "evaluation", "poll", "completion", "presenter", "dashboard"]
EDUCATOR_PAGES = {"presenter", "dashboard"}
CONTENT_MODULE = load_catalog(ROOT / "content").get(MODULE.removeprefix("module=")).module
# Later states of the learner's pages, each timed on a tab of its own.
LEARNER_STATES = {
    "quiz": [
        ("a question", lambda t: states.quiz_question(t, CONTENT_MODULE)),
        ("feedback on an answer", lambda t: states.quiz_feedback(t, CONTENT_MODULE)),
        ("the result", lambda t: states.quiz_result(t, CONTENT_MODULE)),
    ],
    "evaluation": [
        ("submitted: everyone's answers", lambda t: states.evaluation_results(t, CONTENT_MODULE)),
        ("changing saved answers", lambda t: states.evaluation_revising(t, CONTENT_MODULE)),
    ],
    "completion": [
        ("completed", lambda t: states.completed(t, CONTENT_MODULE)),
        ("certificate prepared", lambda t: states.completed(t, CONTENT_MODULE, name="A. Learner")),
    ],
}
# A throwaway educator password for the bench's own server, so the educator pages are timed
# as an educator sees them as well as behind their sign-in form.
EDUCATOR_PASSWORD = secrets.token_urlsafe(16)


@dataclass
class Row:
    """One page's timings: wall time of each run, server CPU and bytes per run, per block."""

    name: str
    session: Session
    cpu: Callable[[], float]  # the server's CPU seconds so far
    once: Callable[[], Awaitable[object]]
    times: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)  # per block: CPU ms per run
    sizes: list[float] = field(default_factory=list)  # per block: bytes per run

    async def block(self, runs: int) -> None:
        """Run the page `runs` times in a row, adding its CPU, bytes and wall times."""
        before, cpu_before = self.session.counters.bytes_in, self.cpu()
        for _ in range(runs):
            started = time.monotonic()
            await self.once()
            self.times.append(time.monotonic() - started)
        cpu = self.cpu() - cpu_before
        self.cpu_ms.append(1000 * cpu / runs)
        self.sizes.append((self.session.counters.bytes_in - before) / runs)


async def _tab(host: server.Server, quick_ack: bool = True) -> Session:
    tab = Session(host.host, host.port, "", "", follow_auto_reruns=False, quick_ack=quick_ack)
    await tab.open()
    return tab


async def _attested(host: server.Server, page: str) -> Session:
    tab = await _tab(host)
    await tab.set_value("gate_attest", bool_value=True)
    await tab.set_value("gate_profession", string_value=tab.options("gate_profession")[0])
    run = await tab.click("gate_submit")
    for body in run.texts("markdown"):  # load the cookie hand-off image, as a browser does
        if found := ATTEST_IMAGE.search(body):
            await tab.fetch("/" + found.group(1))
    if page:
        await tab.goto(page, MODULE)
    return tab


async def rows_to_time(
    rounds: server.Server,
    empty: server.Server,
    rounds_cpu: Callable[[], float],
    empty_cpu: Callable[[], float],
) -> list[Row]:
    """Open one tab per row, each on its page and in its state; the empty page's rows first."""
    blank, browser_like = await _tab(empty), await _tab(empty, quick_ack=False)
    found = [
        Row("empty Streamlit page", blank, empty_cpu, blank.rerun),
        Row(
            "empty Streamlit page, ACKs delayed as a browser's are",
            browser_like,
            empty_cpu,
            browser_like.rerun,
        ),
    ]
    cpu = rounds_cpu
    gate = await _tab(rounds)
    found.append(Row("HCP gate (not attested)", gate, cpu, gate.rerun))
    for page in PAGES:
        tab = await _attested(rounds, page)
        if page not in tab.pages:
            continue
        name = f"/{page}" + (f"?{MODULE}" if page else "")
        if page in EDUCATOR_PAGES:
            found.append(Row(f"{name} (the educator sign-in form)", tab, cpu, tab.rerun))
            tab = await _attested(rounds, page)
            await tab.set_value("educator_password", string_value=EDUCATOR_PASSWORD)
            await tab.click("educator_submit")
            found.append(Row(f"{name} (signed in)", tab, cpu, tab.rerun))
            continue
        found.append(
            Row(name + (" (before voting)" if page == "poll" else ""), tab, cpu, tab.rerun)
        )
        if page == "poll":
            found += await _poll_after_vote(rounds, name, rounds_cpu)
        if page in LEARNER_STATES:
            for label, drive in LEARNER_STATES[page]:
                tab = await _attested(rounds, "")
                await drive(tab)
                found.append(Row(f"{name} ({label})", tab, cpu, tab.rerun))
    return found


async def _poll_after_vote(rounds: server.Server, name: str, cpu: Callable[[], float]) -> list[Row]:
    tab = await _attested(rounds, "poll")
    await tab.set_value("poll_choice", string_value=tab.options("poll_choice")[0])
    await tab.click("poll_vote")
    options = itertools.cycle(tab.options("poll_choice"))

    async def pick() -> object:  # what a phone costs per tap on an option: the poll's fragment
        return await tab.set_value("poll_choice", string_value=next(options))

    return [
        Row(f"{name} (after voting)", tab, cpu, tab.rerun),
        Row("poll: picking an option (reruns only the poll's fragment)", tab, cpu, pick),
    ]


async def measure(
    rounds: server.Server, empty: server.Server, clocks: dict[str, Path], runs: int, blocks: int
) -> list[Row]:
    """Return every row's timings, taken in `blocks` rounds that visit every row in turn.

    Interleaving spreads whatever else the machine does over all rows alike, so the ratio of a
    page to the empty page is taken within each round and the median of the rounds reported.
    """
    found = await rows_to_time(
        rounds,
        empty,
        lambda: read_cpu_clock(str(clocks["rounds"])),
        lambda: read_cpu_clock(str(clocks["empty"])),
    )
    for row in found:
        await row.once()  # warm-up
    per_block = max(1, runs // blocks)
    for _ in range(blocks):
        for row in found:
            await row.block(per_block)
    for row in {id(r.session): r.session for r in found}.values():
        await row.close()
    return found


def ratios(row: Row, base: Row) -> list[float]:
    """Return, round by round, the row's CPU per run over the empty page's in that round."""
    return [c / max(b, 1e-9) for c, b in zip(row.cpu_ms, base.cpu_ms, strict=True)]


def ratio(row: Row, base: Row) -> float:
    """Return the median over every round of the row's CPU per run over the empty page's."""
    return statistics.median(ratios(row, base))


def merge(runs: list[list[Row]]) -> list[Row]:
    """Return one row per page with the rounds of every server pair, in order."""
    merged = runs[0]
    for later in runs[1:]:
        for row, more in zip(merged, later, strict=True):
            row.times += more.times
            row.cpu_ms += more.cpu_ms
            row.sizes += more.sizes
    return merged


def table(rows: list[Row], pairs: int = 1) -> str:
    """Return the timings as a Markdown table with the ratio to the empty page's CPU.

    With several server pairs, the ratio of each pair (the median of its rounds) is listed too.
    """
    lines = [
        "| page | server CPU per run (ms) | x empty page | x empty page, each server pair "
        "| run p50 (ms) | run p50, x empty page | run p95 (ms) | KB sent per run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    empty_p50 = stats.percentile(rows[0].times, 50) or 1e-9
    for row in rows:
        each = ratios(row, rows[0])
        size = len(each) // pairs
        per_pair = " / ".join(
            f"{statistics.median(each[i * size : (i + 1) * size]):.1f}" for i in range(pairs)
        )
        p50 = stats.percentile(row.times, 50) or 0.0
        p95 = stats.percentile(row.times, 95) or 0.0
        cells = [row.name, f"{statistics.mean(row.cpu_ms):.1f}", f"{ratio(row, rows[0]):.1f}"]
        cells.append(per_pair)
        cells += [
            f"{p50 * 1000:.1f}",
            f"{p50 / empty_p50:.1f}",
            f"{p95 * 1000:.1f}",
            f"{statistics.mean(row.sizes) / 1024:.1f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(
    rows: list[Row], runs: int, blocks: int, pairs: int, options: str = "", label: str = ""
) -> str:
    """Return the docs section."""
    box = server.machine()
    return f"""{HEADING}{f" ({label})" if label else ""}

Measured on {dt.date.today().isoformat()}; this section is rewritten by
`.venv/bin/python bench/page_times.py --runs {runs} --blocks {blocks} --pairs {pairs}{options}
--write-docs`.
Machine: {box["cpu"]}, {box["cpus"]} CPUs, {box["memory"]} memory, {box["os"]}, Python
{box["python"]}.

One browser tab per row, each alone on its page, {runs} runs of each after one warm-up, taken in
{blocks} rounds that visit every row in turn, on each of {pairs} fresh pairs of servers started one
after the other. "Server CPU per run" is the server process's CPU time (all its threads, to the
nanosecond: `time.process_time_ns()` read from the server itself, where /proc counts 10 ms ticks)
over a round's runs divided by their number, averaged over the rounds; "x empty page" divides it
by the same figure for a script with no Streamlit call, served with the same configuration, in
the same round, and reports the median of every round of every pair: the stricter reading of
the target, since it counts all the server's work for a run, sending included. The next column
gives each pair's own median: on this shared machine a fresh pair of processes lands the whole
table a fifth higher or lower than the last one, which is why the target is read on the median
of several. The run times are wall time from the rerun request to
the run's `script_finished` over the websocket, the page's run as the server completes it (its
p50 is divided by the empty page's too).
The client acknowledges TCP segments at once (TCP_QUICKACK) so that the figures are the
server's work; the second row shows what a browser, which delays its ACKs, sees on the same
empty page: Streamlit 1.67 does not set TCP_NODELAY on its websocket (its listening socket is
created with protocol 0, and asyncio only sets TCP_NODELAY for IPPROTO_TCP sockets), so the
second small message of every reply waits for the browser's delayed ACK (40 ms on Linux).

{table(rows, pairs)}
"""


def write_docs(text: str) -> None:
    """Replace (or add) this page-times section of docs/performance.md."""
    docs.replace_section(DOCS, text, "Performance")


def measure_pair(args: argparse.Namespace) -> list[Row]:
    """Start a Rounds server and an empty page's server, time every row, stop them."""
    folder = Path(tempfile.mkdtemp(prefix="rounds-pages-"))
    try:
        empty_script = folder / "empty_page.py"
        empty_script.write_text('"""An empty Streamlit page: the baseline."""\n')
        clocks = {name: folder / f"{name}-cpu.sock" for name in ("rounds", "empty")}
        patches = ",".join(p for p in ("cpu-clock", args.patches) if p)
        with (
            server.running(
                folder / "rounds",
                extra_env={ENV_PLAIN: EDUCATOR_PASSWORD, CPU_SOCKET: str(clocks["rounds"])},
                root=args.app_dir.resolve(),
                patches=patches,
            ) as rounds,
            server.running(
                folder / "empty",
                script=str(empty_script),
                extra_env={CPU_SOCKET: str(clocks["empty"])},
                patches=patches,
            ) as empty,
        ):
            return asyncio.run(measure(rounds, empty, clocks, args.runs, args.blocks))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    """Start both servers, time the pages, print and optionally write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="runs of each row in all")
    parser.add_argument("--blocks", type=int, default=5, help="rounds the runs are split into")
    parser.add_argument(
        "--pairs", type=int, default=3, help="fresh server pairs, one after the other"
    )
    parser.add_argument("--patches", default="", help="what-if patches: nodelay,chart-cache")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="run the app from this checkout")
    parser.add_argument("--label", default="", help="a name for this variant in the docs")
    parser.add_argument("--nice", type=int, default=0, help="priority change (negative: root)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if args.nice:
        os.nice(args.nice)  # the servers started below inherit it
    if not 1 <= args.blocks <= args.runs <= 10_000:
        parser.error("--runs must be between --blocks and 10,000")
    runs = [measure_pair(args) for _ in range(args.pairs)]
    rows = merge(runs)
    print(table(rows, args.pairs))
    if args.write_docs:
        options = (f" --patches {args.patches}" if args.patches else "") + (
            f" --nice {args.nice}" if args.nice else ""
        )
        if args.app_dir.resolve() != ROOT:
            options += f" --app-dir {args.app_dir}"
        if args.label:
            options += f" --label '{args.label}'"
        write_docs(section(rows, args.runs, args.blocks, args.pairs, options, args.label))
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
