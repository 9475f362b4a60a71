"""Soak-test the live poll: N participants keep voting and changing their vote for minutes.

    .venv/bin/python bench/soak.py [--participants 200] [--duration 600] [--ramp 60]
        [--warmup 120] [--every 10,40] [--think 0.5,2] [--app-dir DIR] [--write-docs]

Starts a fresh server (`streamlit run server.py`, its own SQLite file) and N simulated browsers
(bench/loadgen) that join over `--ramp` seconds, pass the gate and vote, then every `--every`
seconds pick a different option and vote again, with the live-results stream open, until
`--duration` seconds after the start. Each participant's last vote the page confirmed is the
expected final vote. Checks: the database holds exactly those votes (per participant and per
option), no confirmed vote is lost, the server's RSS after `--warmup` seconds never rises more
than 10 % above its reading then, the server log has no warning, error or traceback, and the
clients saw no error. Prints the table (and the vote round trip and server CPU); exits 1 if a
check fails. `--write-docs` rewrites this run's section of docs/reliability.md.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import docs, server, stats  # noqa: E402
from bench.loadgen.soak_participant import SoakPlan, SoakRecord, keep_voting  # noqa: E402
from rounds.content.loader import load_catalog  # noqa: E402

DOCS = ROOT / "docs" / "reliability.md"
MODULE = "asparaginase-aya-all"
POLL_ID = f"{MODULE}/frontline_blinatumomab"
MAX_GROWTH = 0.10


@dataclass
class Outcome:
    """Everything one soak run measured."""

    args: argparse.Namespace
    records: list[SoakRecord]
    votes: list[stats.StoredVote]
    option_keys: dict[str, str]  # option label -> key, from the module's content
    samples: list[server.ProcSample]
    started: float  # epoch seconds
    ended: float  # when the participants were due to leave
    after: server.ProcSample  # the server once every participant had left
    loadgen_cpu_s: float
    machine_cpu_s: float
    log_problems: list[str]
    version: str  # the app's commit


@dataclass(frozen=True)
class Check:
    """One row of the report; `ok` is None for a figure that is reported, not judged."""

    measure: str
    value: str
    target: str = ""
    ok: bool | None = None


async def run_soak(srv: server.Server, args: argparse.Namespace) -> Outcome:
    """Run N participants against the server for the whole duration; collect what happened."""
    plan = SoakPlan(
        query=f"module={MODULE}",
        every=args.every,
        think=args.think,
        timeout=args.timeout,
        assets=not args.no_assets,
    )
    version = app_version(args.app_dir)  # read now: the checkout may change during the run
    watch = server.ProcWatch(srv.proc.pid)
    stop = asyncio.Event()
    sampler = asyncio.create_task(watch.every(args.sample_every, stop))
    connecting = asyncio.Semaphore(args.max_connecting)
    records = [SoakRecord(i) for i in range(args.participants)]
    rng = random.Random(args.seed)
    seeds = [rng.random() for _ in records]
    start = time.monotonic()
    started, machine_before, cpu_before = time.time(), server.machine_busy(), server.own_cpu()
    end_at = start + args.duration

    async def one(rec: SoakRecord) -> None:
        await asyncio.sleep(rec.index * args.ramp / args.participants)
        await keep_voting(
            rec, srv.host, srv.port, plan, random.Random(seeds[rec.index]), end_at, connecting
        )

    tasks = [asyncio.create_task(one(rec)) for rec in records]
    _, pending = await asyncio.wait(tasks, timeout=args.duration + 3 * args.timeout + 30)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)
    machine_cpu = server.machine_busy() - machine_before
    loadgen_cpu = server.own_cpu() - cpu_before
    stop.set()
    await sampler
    await asyncio.sleep(5)  # let the server drop the closed sessions
    after = watch.take() or watch.samples[-1]
    return Outcome(
        args=args,
        records=records,
        votes=stats.stored_votes(srv.database, POLL_ID),
        option_keys=option_keys(args.app_dir),
        samples=watch.samples,
        started=started,
        ended=started + args.duration,
        after=after,
        loadgen_cpu_s=loadgen_cpu,
        machine_cpu_s=machine_cpu,
        log_problems=server.log_problems(srv.log.read_text(errors="replace").splitlines()),
        version=version,
    )


def option_keys(app_dir: Path) -> dict[str, str]:
    """Return the poll's option labels mapped to their keys, from the module's content."""
    loaded = load_catalog(app_dir / "content").get(MODULE)
    if loaded is None or loaded.module.poll is None:
        raise RuntimeError(f"module {MODULE} with a poll not found in {app_dir / 'content'}")
    return {o.label: o.key for o in loaded.module.poll.options}


# --- checks -----------------------------------------------------------------------------------


def expected_votes(out: Outcome) -> dict[str, str]:
    """Return each participant's last confirmed vote as an option key, by participant id."""
    found = {}
    for rec in out.records:
        if rec.participant_id and rec.final_choice:
            found[rec.participant_id] = out.option_keys[rec.final_choice]
    return found


def vote_checks(out: Outcome) -> list[Check]:
    """Compare the votes the participants were shown with the rows the database holds."""
    expected = expected_votes(out)
    stored = {v.participant_id: v.option_key for v in out.votes}
    matched = sum(1 for pid, key in expected.items() if stored.get(pid) == key)
    lost = len(expected) - matched
    extra = len(set(stored) - set(expected))
    want, have = Counter(expected.values()), Counter(stored.values())
    differ = [f"{k} {have[k]} (want {want[k]})" for k in sorted(want | have) if want[k] != have[k]]
    ballots = [b for r in out.records for b in r.ballots]
    confirmed = sum(1 for b in ballots if b.acknowledged)
    n = out.args.participants
    return [
        Check(
            "votes cast / confirmed by the page (changes included)",
            f"{len(ballots):,} / {confirmed:,}",
            "all confirmed",
            bool(ballots) and confirmed == len(ballots),
        ),
        Check(
            "database = expected final votes, per participant",
            f"{matched} / {len(expected)} match; {extra} other rows; {len(expected)} of {n} "
            "participants voted",
            "all match, 0 other",
            len(expected) == n and matched == n and extra == 0,
        ),
        Check(
            "database = expected final votes, per option and total",
            (f"each option equal ({len(want)} chosen)" if not differ else "; ".join(differ))
            + f"; total {sum(have.values())} (want {sum(want.values())})",
            "equal",
            not differ and have.total() == want.total(),
        ),
        Check("votes confirmed but lost", str(lost), "0", lost == 0),
    ]


def memory_checks(out: Outcome) -> list[Check]:
    """Judge the server's RSS after the warm-up, and report it once every participant left."""
    drift = stats.memory_drift(out.samples, out.started + out.args.warmup, out.ended)
    mb = 1024
    return [
        Check(
            f"server RSS after {out.args.warmup:g} s warm-up: then / max / end (MB)",
            f"{drift.warm_kb / mb:.0f} / {drift.max_kb / mb:.0f} / {drift.end_kb / mb:.0f}"
            f" (growth {drift.growth:+.1%}, {drift.samples} samples)",
            f"growth <= {MAX_GROWTH:.0%}",
            drift.growth <= MAX_GROWTH,
        ),
        Check(
            "server RSS at the start / after all left (MB)",
            f"{out.samples[0].rss_kb / mb:.0f} / {out.after.rss_kb / mb:.0f}",
        ),
    ]


def client_errors(out: Outcome) -> tuple[int, str]:
    """Return how many errors the clients saw, and the most frequent ones."""
    found: Counter[str] = Counter(r.error.split(" (")[0][:120] for r in out.records if r.error)
    stream = sum(r.live.errors for r in out.records if r.live)
    exceptions = sum(r.counters.exceptions for r in out.records if r.counters)
    alerts = sum(r.error_alerts for r in out.records)
    for what, count in (("live stream", stream), ("exception shown", exceptions)):
        if count:
            found[what] += count
    if alerts:
        found["error alert shown"] += alerts
    summary = "; ".join(f"{n}x {e}" for e, n in found.most_common(4))
    return found.total(), summary


def checks(out: Outcome) -> list[Check]:
    """Return every row of the report."""
    recs = out.records
    n = out.args.participants
    to_end = sum(1 for r in recs if r.error is None and r.ballots)
    errors, summary = client_errors(out)
    rtts = [b.rtt for r in recs for b in r.ballots if b.rtt is not None]
    run = [s for s in out.samples if out.started <= s.at <= out.ended] or out.samples
    wall = run[-1].at - run[0].at
    server_cpu = run[-1].cpu_s - run[0].cpu_s
    lives = [r.live for r in recs if r.live]
    other = (out.machine_cpu_s - out.loadgen_cpu_s - server_cpu) / max(wall, 1)
    return [
        Check("participants voting to the end / started", f"{to_end} / {n}", "all", to_end == n),
        *vote_checks(out),
        *memory_checks(out),
        Check(
            "server log warnings / errors / tracebacks",
            str(len(out.log_problems)),
            "0",
            not out.log_problems,
        ),
        Check(
            "errors seen by clients",
            f"{errors}" + (f" ({summary})" if summary else ""),
            "0",
            errors == 0,
        ),
        Check("vote round trip p50 / p95 (s)", stats.p50_p95(rtts)),
        Check(
            "server CPU mean (cores)",
            f"{server_cpu / max(wall, 1):.2f} (of {server.machine()['cpus']}); threads peak "
            f"{max(s.threads for s in out.samples)}",
        ),
        Check(
            "live-results streams: connects / events",
            f"{sum(v.connects for v in lives):,} / {sum(v.events for v in lives):,}",
        ),
        Check(
            "load generator / other processes' CPU (cores)",
            f"{out.loadgen_cpu_s / max(wall, 1):.2f} / {max(0.0, other):.2f}",
        ),
    ]


# --- reporting --------------------------------------------------------------------------------


def verdict(check: Check) -> str:
    """Return "pass", "FAIL" or "" for a reported figure."""
    return "" if check.ok is None else ("pass" if check.ok else "FAIL")


def table(rows: list[Check]) -> str:
    """Return the checks as a Markdown table."""
    lines = ["| measure | value | target | result |", "|---|---|---|---|"]
    lines += [f"| {c.measure} | {c.value} | {c.target} | {verdict(c)} |" for c in rows]
    return "\n".join(lines)


def rss_by_minute(out: Outcome) -> str:
    """Return the server's RSS at the start of each minute of the run and at its end, in MB."""
    run = [s for s in out.samples if s.at <= out.ended]
    marks, minute = [], 0
    for s in run:
        if s.at >= out.started + 60 * minute:
            marks.append(f"{s.rss_kb / 1024:.0f}")
            minute = int((s.at - out.started) // 60) + 1
    return ", ".join(marks) + (f"; end {run[-1].rss_kb / 1024:.0f}" if run else "")


def command(args: argparse.Namespace) -> str:
    """Return the command line that repeats this run."""
    extra = f" --app-dir {args.app_dir}" if args.app_dir.resolve() != ROOT else ""
    return (
        f".venv/bin/python bench/soak.py --participants {args.participants} "
        f"--duration {args.duration:g} --ramp {args.ramp:g} --warmup {args.warmup:g} \\\n"
        f"    --every {args.every[0]:g},{args.every[1]:g} --think {args.think[0]:g},"
        f"{args.think[1]:g}{extra} --write-docs"
    )


def app_version(app_dir: Path) -> str:
    """Return the app checkout's commit, noting uncommitted changes to the app's code."""
    git = ["git", "-C", str(app_dir)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return "not a git checkout"
    paths = ["app.py", "server.py", "rounds", "views", "content", ".streamlit"]
    dirty = subprocess.run([*git, "diff", "--quiet", "HEAD", "--", *paths]).returncode != 0
    return f"commit {head.stdout.strip()}" + (" with uncommitted changes" if dirty else "")


def section(out: Outcome, rows: list[Check]) -> str:
    """Return this run's docs section."""
    a, box = out.args, server.machine()
    passed = all(c.ok is not False for c in rows)
    problems = ""
    if out.log_problems:
        sample = "\n".join(f"    {line[:300]}" for line in dict.fromkeys(out.log_problems))
        problems = f"\nFirst server log lines with warnings or errors:\n\n{sample}\n"
    return f"""## Soak run, {a.participants} participants for {a.duration:g} s

Measured on {dt.date.today().isoformat()}; this section is rewritten by

```
{command(a)}
```

App: {out.version}. Machine: {box["cpu"]}, {box["cpus"]} CPUs, {box["memory"]} memory,
{box["os"]}, Python {box["python"]}; the load generator runs on the same machine, as do other
engineers' jobs. Result: {"every check passed" if passed else "a check FAILED"}.

{table(rows)}

Server RSS at each minute (MB): {rss_by_minute(out)}.
{problems}"""


def _pair(value: str) -> tuple[float, float]:
    low, _, high = value.partition(",")
    return float(low), float(high or low)


def main(argv: list[str] | None = None) -> int:
    """Start a server, soak it, print the checks; exit 1 if one failed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--duration", type=float, default=600, help="seconds, from the start")
    parser.add_argument("--ramp", type=float, help="seconds over which all join (duration/10)")
    parser.add_argument("--warmup", type=float, help="seconds before memory is judged (120)")
    parser.add_argument("--every", type=_pair, default=(10.0, 40.0), help="min,max seconds")
    parser.add_argument("--think", type=_pair, default=(0.5, 2.0), help="pick to vote, min,max")
    parser.add_argument("--timeout", type=float, default=60, help="per step, seconds")
    parser.add_argument("--max-connecting", type=int, default=64)
    parser.add_argument("--sample-every", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--no-assets", action="store_true", help="skip the iframe's files")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="run this checkout's app")
    parser.add_argument("--keep", action="store_true", help="keep the server's folder")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    if args.ramp is None:
        args.ramp = min(60.0, args.duration / 10)
    if args.warmup is None:
        args.warmup = min(120.0, args.duration / 5)
    if not 1 <= args.participants <= 5_000:
        parser.error("--participants must be between 1 and 5,000")
    if not args.ramp <= args.warmup < args.duration:
        parser.error("need --ramp <= --warmup < --duration")

    folder = Path(tempfile.mkdtemp(prefix="rounds-soak-"))
    with server.running(folder / "server", root=args.app_dir.resolve()) as srv:
        out = asyncio.run(run_soak(srv, args))
    rows = checks(out)
    print(f"soak: {args.participants} participants, {args.duration:g} s")
    for c in rows:
        target = f"   [target {c.target}]" if c.target else ""
        print(f"  {verdict(c):<4} {c.measure:<58} {c.value}{target}")
    print(f"  server RSS at each minute (MB): {rss_by_minute(out)}")
    for line in list(dict.fromkeys(out.log_problems))[:10]:
        print(f"  log: {line[:300]}")
    if args.keep:
        print(f"server folder kept: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
    if args.write_docs:
        docs.replace_section(DOCS, section(out, rows), "Reliability")
        print(f"wrote {DOCS.relative_to(ROOT)}")
    return 0 if all(c.ok is not False for c in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
