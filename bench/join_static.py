"""What a cold join's static part costs the server: CPU and bytes per join, per request.

    .venv/bin/python bench/join_static.py [--joins 30] [--phones 4] [--app-dir DIR] [--only /static]

Starts a fresh server (`--app-dir`: another checkout, e.g. a `git archive` of an older commit,
to compare), lets one participant vote (as in a room: the live-results component's files exist
once a run has declared it), checks that the server serves the files
`bench/requests/cold-join.json` holds, replays that list once and waits for the background
compression to finish (a room's server has been up for a while), then replays it `--joins`
times, `--phones` joins at a time, each over its own six kept-alive connections. Server CPU is
read from /proc (utime + stime) before and after. Leaves out the page HTML, `/_stcore/health`
and `host-config`, the websocket and the script runs: `bench/load_poll.py` measures those with
the rest of a participant's work.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import replay, server  # noqa: E402
from bench.loadgen.participant import Plan, Record, take_part  # noqa: E402


async def measure(
    srv: server.Server, joins: int, phones: int, settle: float, only: str = "/"
) -> dict:
    """Replay the recording `joins` times against `srv`; return CPU and bytes per join.

    `only` keeps the requests whose path starts with it (`/static/`: Streamlit's files alone).
    """
    recording = replay.load()
    # One participant first: the live-results component's files exist once a run declared it.
    warmup = Record(-1)
    await take_part(warmup, srv.host, srv.port, Plan(stay=1, think=(0.2, 0.4)), random.Random(0))
    if warmup.error:
        raise SystemExit(f"warm-up participant failed: {warmup.error}")
    problems = await replay.check(srv.host, srv.port, recording)
    if problems:
        raise SystemExit(
            "the app serves other files than the recording:\n  " + "\n  ".join(problems)
        )
    requests = [r for r in recording.all if r.path.startswith(only)]
    await replay.fetch_all(srv.host, srv.port, requests)
    await asyncio.sleep(settle)
    before = server.sample(srv.proc.pid)
    started = time.monotonic()
    results: list[replay.Fetched] = []
    queue = list(range(joins))

    async def phone() -> None:
        while queue:
            queue.pop()
            results.append(await replay.fetch_all(srv.host, srv.port, requests))

    await asyncio.gather(*(phone() for _ in range(phones)))
    wall = time.monotonic() - started
    after = server.sample(srv.proc.pid)
    cpu = after.cpu_s - before.cpu_s
    sent = sum(r.requests for r in results)
    mismatches = [m for r in results for m in r.mismatches]
    return {
        "joins": joins,
        "requests per join": sent / joins,
        "KiB per join": sum(r.bytes for r in results) / joins / 1024,
        "server CPU per join (ms)": cpu / joins * 1000,
        "server CPU per request (ms)": cpu / sent * 1000,
        "wall (s)": wall,
        "mismatches": len(mismatches),
        "load average before": os.getloadavg()[0],
    }


def main(argv: list[str] | None = None) -> int:
    """Start a server, replay the join's static part and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--joins", type=int, default=30)
    parser.add_argument("--phones", type=int, default=4, help="joins replayed at once")
    parser.add_argument("--settle", type=float, default=10, help="seconds after the warm-up")
    parser.add_argument("--app-dir", type=Path, default=ROOT)
    parser.add_argument("--only", default="/", help="replay only paths starting with this")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="rounds-join-static-") as folder,
        server.running(Path(folder) / "server", root=args.app_dir.resolve()) as srv,
    ):
        figures = asyncio.run(measure(srv, args.joins, args.phones, args.settle, args.only))
    print(f"app: {args.app_dir}")
    for name, value in figures.items():
        print(f"  {name:<30} {value:.2f}" if isinstance(value, float) else f"  {name:<30} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
