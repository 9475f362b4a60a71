"""Load-test the live poll with N simulated browsers speaking Streamlit's websocket protocol.

    .venv/bin/python bench/load_poll.py --participants 50 --stay 20 [--ramp 10]
        [--think 1,3] [--timeout 60] [--max-connecting 64] [--profile FILE] [--write-docs]

Starts a fresh server (`streamlit run server.py`, its own SQLite file; `--app-dir` runs another
checkout, `--patches` applies what-if changes from bench/loadgen/variant.py), warms it with one
participant, then starts N participants spread over `--ramp` seconds. Each opens
`/poll?module=asparaginase-aya-all`, passes the HCP gate, picks an option, votes and stays
`--stay` seconds on the live results, sending the fragment's auto-reruns as a browser does.
Each also replays every other HTTP request of a real phone's cold join, recorded by
`bench/record_join.py` (`--recording`; `--no-replay` leaves them out); the run stops at once if
the app no longer serves the files the recording holds.
Prints session start, gate, vote round trip, freshness (vote stored -> other participants'
results counting it), fragment refreshes, server CPU and memory, and votes lost (acknowledged
votes missing from the database). `--profile FILE` samples the server with py-spy (if
installed) and prints where its GIL time went. `--write-docs` rewrites this N's section of
docs/performance.md. The run ends by itself: every step has a timeout and the whole run a
deadline.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import cluster, docs, profile, replay, server, stats  # noqa: E402
from bench.loadgen.participant import Plan, Record, take_part  # noqa: E402
from bench.loadgen.stats import p50_p95, seconds  # noqa: E402

DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Live poll, "
POLL_ID = "asparaginase-aya-all/frontline_blinatumomab"
TARGETS = {"vote_p95_s": 1.0, "fresh_p95_s": 3.0, "kb_per_session": 250}


@dataclass
class Outcome:
    """Everything one load run measured."""

    n: int
    args: argparse.Namespace
    records: list[Record]
    warmup: Record
    votes: list[stats.StoredVote]
    fresh: stats.Freshness
    use: stats.ServerUse
    loadgen_cpu_s: float
    wall_s: float
    loadavg_before: float
    other_cpu: float  # CPU used by other processes during the run, in cores
    log_problems: list[str]


async def run_load(srv: server.Server, args: argparse.Namespace) -> Outcome:
    """Warm the server, run N participants against it and collect the measurements."""
    low, high = args.think
    assets = not args.no_assets
    recording = None if args.no_replay else replay.load(args.recording)
    plan = Plan(
        stay=args.stay, think=(low, high), timeout=args.timeout, assets=assets, recording=recording
    )
    watch = server.ProcWatch(srv.pids)

    warmup = Record(-1)
    warm_plan = Plan(
        stay=3, think=(0.2, 0.4), timeout=args.timeout, assets=assets, recording=recording
    )
    await take_part(warmup, srv.host, srv.port, warm_plan, random.Random(0))
    if warmup.error:
        raise RuntimeError(f"warm-up participant failed: {warmup.error}")
    if recording is not None:
        problems = await replay.check(srv.host, srv.port, recording)
        if problems:
            raise SystemExit(
                f"the running app serves other files than {args.recording} holds; record the"
                " join again (bench/record_join.py):\n  " + "\n  ".join(problems)
            )
    await asyncio.sleep(2 if recording is None else 8)  # brotli of what the warm-up fetched
    idle = watch.take()
    if idle is None:
        raise RuntimeError("the server process is gone")

    recorder = profile.Recorder(srv.pids[0], args.profile) if args.profile else None
    stop = asyncio.Event()
    sampler = asyncio.create_task(watch.every(args.sample_every, stop))
    connecting = asyncio.Semaphore(args.max_connecting)
    records = [Record(i) for i in range(args.participants)]
    rng = random.Random(args.seed)
    seeds = [rng.random() for _ in records]

    async def one(rec: Record) -> None:
        await asyncio.sleep(rec.index * args.ramp / max(1, args.participants))
        await take_part(rec, srv.host, srv.port, plan, random.Random(seeds[rec.index]), connecting)

    loadavg_before = os.getloadavg()[0]
    machine_before = server.machine_busy()
    cpu_before, started = server.own_cpu(), time.time()
    tasks = [asyncio.create_task(one(rec)) for rec in records]
    deadline = args.ramp + args.stay + 2 * high + 4 * args.timeout + 30
    _, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    for rec in records:
        if rec.error is None and rec.closed_at is None:  # cancelled before it started
            rec.error = f"{rec.step}: cut off by the run's deadline"
    wall = time.time() - started
    loadgen_cpu = server.own_cpu() - cpu_before
    machine_cpu = server.machine_busy() - machine_before
    if recorder is not None:
        recorder.stop()
    window = watch.between(idle.at, time.time())
    stop.set()
    await sampler
    await asyncio.sleep(3)  # let the server drop the closed sessions
    after = watch.take() or window[-1]

    votes = stats.stored_votes(srv.database, POLL_ID)
    problems = server.log_problems(srv.log_text().splitlines())
    return Outcome(
        n=args.participants,
        args=args,
        records=records,
        warmup=warmup,
        votes=votes,
        fresh=stats.freshness([warmup, *records], votes),
        use=stats.server_use(idle, window, after),
        loadgen_cpu_s=loadgen_cpu,
        wall_s=wall,
        loadavg_before=loadavg_before,
        other_cpu=max(0.0, (machine_cpu - loadgen_cpu - (window[-1].cpu_s - idle.cpu_s)) / wall)
        if window
        else 0.0,
        log_problems=problems,
    )


# --- reporting --------------------------------------------------------------------------------


def lost_votes(out: Outcome) -> tuple[int, int, int]:
    """Return (acknowledged, rows stored, acknowledged but not stored)."""
    acked = [r for r in [out.warmup, *out.records] if r.acknowledged]
    stored = {v.participant_id for v in out.votes}
    missing = sum(1 for r in acked if r.participant_id not in stored)
    return len(acked), len(out.votes), missing


def rows(out: Outcome) -> list[tuple[str, str, str]]:
    """Return the report as (measure, value, target) rows."""
    recs = out.records
    ok = [r for r in recs if r.error is None]
    counters = [r.counters for r in recs if r.counters is not None]
    lives = [r.live for r in recs if r.live is not None]
    acked, stored, missing = lost_votes(out)
    use = out.use
    per_session = (use.rss_peak_kb - use.rss_idle_kb) / max(1, out.n)
    fresh = out.fresh
    errors: dict[str, int] = {}
    for r in recs:
        if r.error:
            key = re.sub(r"\d+(\.\d+)?", "#", r.error)[:120]
            errors[key] = errors.get(key, 0) + 1
    first_errors = "; ".join(f"{n}x {e}" for e, n in sorted(errors.items(), key=lambda x: -x[1]))
    mb_in = sum(c.bytes_in for c in counters) / 1e6
    mb_assets = sum(v.assets_bytes for v in lives) / 1e6

    def spread(step: str) -> str:
        return p50_p95([getattr(r, step) for r in recs if getattr(r, step)])

    return [
        ("participants finished / started", f"{len(ok)} / {out.n}", "all"),
        *_replay_rows(recs),
        ("session start p50 / p95 (s)", spread("session_start"), ""),
        ("gate submit round trip p50 / p95 (s)", spread("gate_rtt"), ""),
        ("option pick (rerun) p50 / p95 (s)", spread("choice_rtt"), ""),
        (
            "vote round trip p50 / p95 (s)",
            p50_p95([r.vote_rtt for r in recs if r.vote_rtt is not None]),
            f"p95 < {TARGETS['vote_p95_s']:.0f}",
        ),
        (
            "freshness p50 / p95 (s)",
            p50_p95(fresh.delays)
            + f" (max {seconds(max(fresh.delays, default=None))}; {len(fresh.delays):,} pairs,"
            f" {fresh.missed} missed)",
            f"p95 < {TARGETS['fresh_p95_s']:.0f}",
        ),
        *_refresh_rows(out.n, counters, lives),
        (
            "server CPU mean / busiest 1 s (cores)",
            f"{use.mean_cores:.2f} / {use.peak_cores:.2f} (of {server.machine()['cpus']})",
            "",
        ),
        (
            "server CPU per participant (s)",
            f"{use.cpu_seconds / max(1, out.n):.2f}",
            "",
        ),
        (
            "server RSS idle / peak / after (MB)",
            f"{use.rss_idle_kb / 1024:.0f} / {use.rss_peak_kb / 1024:.0f} / "
            f"{use.rss_after_kb / 1024:.0f}",
            "",
        ),
        (
            "server RSS per session (KB)",
            f"{per_session:.0f}",
            f"< {TARGETS['kb_per_session']}",
        ),
        ("server threads (peak)", str(use.threads_peak), ""),
        ("votes acknowledged / rows stored / lost", f"{acked} / {stored} / {missing}", "lost 0"),
        (
            "load generator CPU (cores, same machine)",
            f"{out.loadgen_cpu_s / out.wall_s:.2f}; websocket {mb_in:.0f} MB in, "
            f"iframe files {mb_assets:.0f} MB",
            "",
        ),
        (
            "other processes' CPU during the run (cores); load before",
            f"{out.other_cpu:.2f}; {out.loadavg_before:.2f}",
            "~0",
        ),
        ("errors", first_errors or "none", "none"),
        ("server log warnings/errors", str(len(out.log_problems)), "0"),
    ]


def _replay_rows(recs: list[Record]) -> list[tuple[str, str, str]]:
    """Return the rows on the recorded join's HTTP requests the participants replayed."""
    replayed = [r.replayed for r in recs if r.replayed is not None]
    if not replayed:
        return []
    frames = [r.live for r in recs if r.live is not None]
    mismatches = sum(len(f.mismatches) for f in replayed) + sum(len(v.mismatches) for v in frames)
    requests = sum(f.requests for f in replayed)
    kib = (sum(f.bytes for f in replayed) + sum(v.assets_bytes for v in frames)) / 1024
    return [
        (
            "recorded HTTP requests replayed per participant; KiB received; status mismatches",
            f"{requests / len(replayed):.0f} + the live-results frame's; "
            f"{kib / len(replayed):,.0f}; {mismatches}",
            "0 mismatches",
        ),
        (
            "page-load requests (6 connections) p50 / p95 (s)",
            p50_p95([r.static_load for r in recs if r.static_load is not None]),
            "",
        ),
    ]


def _refresh_rows(n: int, counters: list, lives: list) -> list[tuple[str, str, str]]:
    """Return the rows on how results reached viewers: fragment reruns, or the live stream."""
    found = []
    sent = sum(c.auto_reruns_sent - c.auto_reruns_unanswered for c in counters)
    if sent:
        done = sum(c.fragment_runs for c in counters)
        latencies = [x for c in counters for x in c.fragment_latencies]
        found += [
            (
                "fragment refreshes done / asked (answered or merged)",
                f"{done:,} / {sent:,} ({done / sent:.0%})",
                "~100%",
            ),
            ("fragment refresh latency p50 / p95 (s)", p50_p95(latencies), "< 2"),
        ]
    streams = sum(v.connects for v in lives)
    if streams:
        found.append(
            (
                "live-results streams: connects / events / errors",
                f"{streams:,} / {sum(v.events for v in lives):,} / "
                f"{sum(v.errors for v in lives):,}",
                f"{n} connects, 0 errors",
            )
        )
    return found


def table(out: Outcome) -> str:
    """Return the report as a Markdown table."""
    lines = ["| measure | value | target |", "|---|---|---|"]
    lines += [f"| {m} | {v} | {t} |" for m, v, t in rows(out)]
    return "\n".join(lines)


def section(out: Outcome) -> str:
    """Return this run's docs section."""
    a = out.args
    box = server.machine()
    think = f"{a.think[0]:g},{a.think[1]:g}"
    problems = ""
    if out.log_problems:
        distinct = list(dict.fromkeys(out.log_problems))
        sample = "\n".join(f"    {line[:300]}" for line in distinct[:5])
        problems = f"\nFirst server log lines with warnings or errors:\n\n{sample}\n"
    label = f" ({a.label})" if a.label else ""
    extra = f" --label '{a.label}'" if a.label else ""
    if a.app_dir.resolve() != ROOT:
        extra += f" --app-dir {a.app_dir}"
    if a.no_assets:
        extra += " --no-assets"
    if a.no_replay:
        extra += " --no-replay"
    if a.patches:
        extra += f" --patches {a.patches}"
    if a.nice:
        extra += f" --nice {a.nice}"
    if a.replicas:
        extra += f" --replicas {a.replicas} --database {a.database}"
    return f"""{SECTION}{out.n:,} participants{label}

Measured on {dt.date.today().isoformat()}; this section is rewritten by

```
.venv/bin/python bench/load_poll.py --participants {out.n} --stay {a.stay:g} --ramp {a.ramp:g} \\
    --think {think}{extra} --write-docs
```

Machine: {box["cpu"]}, {box["cpus"]} CPUs, {box["memory"]} memory, {box["os"]}, Python
{box["python"]}; the load generator runs on the same machine. Run wall time {out.wall_s:.0f} s.
{_traffic(a)}

{table(out)}
{problems}"""


def _traffic(a: argparse.Namespace) -> str:
    """Say what HTTP traffic each simulated phone made besides the websocket."""
    if a.no_replay:
        return (
            "\nEach participant fetched only the page, `/_stcore/health`, `host-config`, the"
            " attestation image and the live-results frame's files over HTTP: not Streamlit's"
            " scripts, styles and fonts."
        )
    recorded = json.loads(a.recording.read_text(encoding="utf-8"))
    return (
        f"\nEach participant replayed every HTTP request of a real cold join as well"
        f" (`{a.recording.relative_to(ROOT)}`, {len(recorded['requests'])} requests recorded"
        f" {recorded['recorded'][:10]} from Chromium: Streamlit's scripts, styles and fonts with"
        " Chromium's `Accept-Encoding`, over six kept-alive connections)."
    )


def write_docs(text: str) -> None:
    """Replace (or add) this N's section of docs/performance.md."""
    docs.replace_section(DOCS, text, "Performance")


def _think(value: str) -> tuple[float, float]:
    low, _, high = value.partition(",")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> int:
    """Start a server, load it, print the table and optionally write the docs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--stay", type=float, default=20, help="seconds on the results")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which all join")
    parser.add_argument("--think", type=_think, default=(1.0, 3.0), help="min,max seconds")
    parser.add_argument("--timeout", type=float, default=60, help="per step, seconds")
    parser.add_argument("--max-connecting", type=int, default=64)
    parser.add_argument("--sample-every", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--keep", action="store_true", help="keep the server's folder")
    parser.add_argument(
        "--no-assets", action="store_true", help="skip the live-results iframe's files"
    )
    parser.add_argument(
        "--app-dir",
        type=Path,
        default=ROOT,
        help="run the app from this checkout (e.g. a `git archive` of another commit)",
    )
    parser.add_argument(
        "--recording",
        type=Path,
        default=replay.RECORDING,
        help="the recorded join whose HTTP requests each participant replays",
    )
    parser.add_argument(
        "--no-replay",
        action="store_true",
        help="fetch only what the protocol client needs (the figures before the replay)",
    )
    parser.add_argument("--label", default="", help="a name for this variant in the docs")
    parser.add_argument(
        "--patches", default="", help="what-if patches for the server: nodelay,chart-cache"
    )
    parser.add_argument(
        "--nice",
        type=int,
        default=0,
        help="scheduling priority change for the server and this process (negative: root only)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="first wait up to this long for other processes to leave the CPUs idle",
    )
    parser.add_argument(
        "--profile", type=Path, help="record the server with py-spy (raw stacks) to this file"
    )
    parser.add_argument(
        "--replicas", type=int, default=0, help="N replicas behind nginx (deploy/cluster.py)"
    )
    parser.add_argument(
        "--database", default="sqlite", help="with --replicas: sqlite, or a PostgreSQL URL"
    )
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if not 1 <= args.participants <= 5_000:
        parser.error("--participants must be between 1 and 5,000")

    if args.nice:
        os.nice(args.nice)  # the server started below inherits it
    if args.wait_quiet > 0:
        busy = server.wait_quiet(args.wait_quiet)
        print(f"other processes use {busy:.2f} cores before the run")
    folder = Path(tempfile.mkdtemp(prefix="rounds-load-"))
    if args.replicas:
        target = cluster.running_cluster(folder / "cluster", args.replicas, args.database)
    else:
        target = server.running(
            folder / "server", root=args.app_dir.resolve(), patches=args.patches
        )
    with target as srv:
        out = asyncio.run(run_load(srv, args))
    label = f" ({args.label})" if args.label else ""
    print(f"{out.n} participants{label}, stay {args.stay:g} s, ramp {args.ramp:g} s")
    for measure, value, target in rows(out):
        print(f"  {measure:<44} {value}" + (f"   [target {target}]" if target else ""))
    if args.profile:
        print(f"where the server's GIL time went (py-spy --gil; raw stacks in {args.profile}):")
        for name, inclusive, own in profile.summary(args.profile, top=45):
            print(f"  {inclusive:5.1f}% incl {own:5.1f}% self  {name}")
    if args.keep:
        print(f"server folder kept: {folder}")
    else:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
    if args.write_docs:
        write_docs(section(out))
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
