"""Time the educator dashboard's data functions on a database of N synthetic participants.

    .venv/bin/python bench/dashboard_bench.py [--participants 100000]
        [--backend sqlite|postgresql|both] [--runs 5] [--index TABLE:COL,COL ...]
        [--wait-quiet SECONDS] [--nice N] [--write-docs]

Seeds a fresh database (a SQLite file in a temporary folder; a fresh schema on the PostgreSQL
at ROUNDS_BENCH_POSTGRES_URL, dropped afterwards) with bulk inserts, then runs each function
once to warm up and `--runs` times more, and prints the median. With `--index`, it then
creates those indexes and times everything again, to measure an index before it is added to
the schema. `--wait-quiet` waits for other processes to go nearly idle before timing (the
machine may be shared). `--write-docs` rewrites the dashboard section of docs/performance.md
with the figures and the machine they came from.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import textwrap
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402
import sqlalchemy  # noqa: E402
from sqlalchemy import Engine, create_engine, text  # noqa: E402

from bench.dashboard_seed import DAYS, REHEARSAL_VOTERS, START, seed  # noqa: E402
from bench.loadgen.server import busy_cores, wait_quiet  # noqa: E402
from rounds import dashboard  # noqa: E402
from rounds.content.loader import load_catalog  # noqa: E402
from rounds.store.engine import open_engine  # noqa: E402

POSTGRES_URL = os.environ.get(
    "ROUNDS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Dashboard data at "
TARGET_S = 1.0


# --- timing -----------------------------------------------------------------------------------


def views(module, labels: dict[str, str]) -> dict[str, Callable[[Engine], object]]:
    """Return the dashboard calls to time, by name, on the whole history (the worst case)."""
    everything = dashboard.Filters()
    last_week = dashboard.Filters(since=START + dt.timedelta(days=DAYS - 7))
    return {
        "funnel": lambda e: dashboard.funnel(e, module, everything),
        "funnel (last 7 days)": lambda e: dashboard.funnel(e, module, last_week),
        "score_distribution": lambda e: dashboard.score_distribution(e, module, everything),
        "question_gain": lambda e: dashboard.question_gain(e, module, everything),
        "evaluation_summary": lambda e: dashboard.evaluation_summary(e, module, everything),
        "commitment_to_change": lambda e: dashboard.commitment_to_change(e, module, everything),
        "poll_by_round": lambda e: dashboard.poll_by_round(e, module, everything),
        "poll_by_profession": lambda e: dashboard.poll_by_profession(
            e, module, everything, labels=labels
        ),
        "votes_over_time": lambda e: dashboard.votes_over_time(e, module, everything),
        "deidentified_rows": lambda e: dashboard.deidentified_rows(e, module, everything),
    }


def median_seconds(call: Callable[[Engine], object], engine: Engine, runs: int) -> float:
    """Run `call` once to warm up, then `runs` times; return the median wall time."""
    call(engine)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call(engine)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def create_indexes(engine: Engine, specs: list[str]) -> list[str]:
    """Create each `table:col,col` index; return the statements run."""
    done = []
    with engine.begin() as conn:
        for spec in specs:
            table, columns = spec.split(":")
            name = f"ix_bench_{table}_{columns.replace(',', '_')}"
            statement = f"CREATE INDEX {name} ON {table} ({columns})"
            conn.execute(text(statement))
            done.append(statement)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE"))
    return done


# --- a quiet machine ------------------------------------------------------------------------


# --- backends ---------------------------------------------------------------------------------


def time_views(engine: Engine, label: str, runs: int, module, labels) -> dict[str, float]:
    """Time every view on `engine`; return {view: median seconds}."""
    timings = {}
    for name, call in views(module, labels).items():
        timings[name] = median_seconds(call, engine, runs)
        print(f"[{label}] {name:<22} {1000 * timings[name]:8.0f} ms", flush=True)
    return timings


def run_backend(
    backend: str, n: int, runs: int, indexes: list[str], quiet_s: float, module, labels
) -> dict:
    """Seed a fresh database on `backend`, time every view (again after `indexes`), clean up."""
    admin = None
    with tempfile.TemporaryDirectory() as folder:
        if backend == "sqlite":
            url = f"sqlite:///{folder}/bench.db"
        else:
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(POSTGRES_URL)
            with admin.begin() as conn:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
            url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        engine = open_engine(url)
        try:
            started = time.perf_counter()
            counts = seed(engine, module, n)
            seeded = time.perf_counter() - started
            print(f"[{backend}] seeded {n:,} participants in {seeded:.0f} s: {counts}", flush=True)
            busy = [wait_quiet(quiet_s)] if quiet_s > 0 else [busy_cores()]
            loads = [os.getloadavg()[0]]
            columns = {backend: time_views(engine, backend, runs, module, labels)}
            statements = create_indexes(engine, indexes)
            if statements:
                busy.append(wait_quiet(quiet_s) if quiet_s > 0 else busy_cores())
                label = f"{backend} + indexes"
                columns[label] = time_views(engine, label, runs, module, labels)
            loads.append(os.getloadavg()[0])
            version = server_version(engine)
        finally:
            engine.dispose()
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
                admin.dispose()
    return {
        "columns": columns,
        "counts": counts,
        "version": version,
        "indexes": statements,
        "load": loads,
        "busy": busy,
    }


def server_version(engine: Engine) -> str:
    """Return the database's version string."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return "SQLite " + conn.execute(text("select sqlite_version()")).scalar_one()
        return "PostgreSQL " + conn.execute(text("show server_version")).scalar_one().split()[0]


def machine() -> str:
    """Describe the machine: CPUs, memory and the software versions that matter."""
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f"{kib / 1024**2:.1f} GiB"
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = found.group(1).strip() if found else cpu
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory} memory, {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, SQLite library "
        f"{sqlite3.sqlite_version}, SQLAlchemy {sqlalchemy.__version__}, pandas {pd.__version__}"
    )


# --- report -----------------------------------------------------------------------------------


def columns_of(results: dict[str, dict]) -> dict[str, dict[str, float]]:
    """Return {column label: {view: seconds}} over every backend's runs."""
    return {label: t for r in results.values() for label, t in r["columns"].items()}


def table(results: dict[str, dict]) -> str:
    """Return the timings as a Markdown table, one column per backend (and with indexes)."""
    columns = columns_of(results)
    names = list(next(iter(columns.values())))
    lines = [
        "| function | " + " | ".join(f"{label} median" for label in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name in names:
        cells = []
        for timings in columns.values():
            seconds = timings[name]
            cells.append(
                f"{1000 * seconds:,.0f} ms" + ("" if seconds < TARGET_S else " (over 1 s)")
            )
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def section(n: int, runs: int, results: dict[str, dict], argv: list[str]) -> str:
    """Return the docs section for these results."""
    counts = next(iter(results.values()))["counts"]
    versions = ", ".join(r["version"] for r in results.values())
    indexes = sorted({s for r in results.values() for s in r["indexes"]})
    loads = [load for r in results.values() for load in r["load"]]
    busy = [cores for r in results.values() for cores in r["busy"]]
    rows = ", ".join(f"{name} {count:,}" for name, count in counts.items())
    extra = (
        'The "+ indexes" columns repeat the runs on the same data after '
        + "; ".join(f"`{s}`" for s in indexes)
        + "."
        if indexes
        else "No index beyond the schema's own."
    )
    command = " ".join([".venv/bin/python bench/dashboard_bench.py", *argv])
    paragraphs = [
        f"Measured on {dt.date.today().isoformat()} with `{command}`; that command with"
        " `--write-docs` rewrites this section.",
        f"Machine: {machine()}; {versions}. Just before timing, {min(busy):.1f} to"
        f" {max(busy):.1f} CPUs were busy with other work, and the 1-minute load average was"
        f" {min(loads):.1f} to {max(loads):.1f}: the machine is shared, and on 2 CPUs a load"
        " above 2 means queries waited for a CPU part of the time.",
        f"Data: one module, {n:,} participants over {DAYS} days plus a rehearsal round of"
        f" {REHEARSAL_VOTERS} simulated voters, inserted in bulk. Rows: {rows}. PostgreSQL is"
        " `VACUUM ANALYZE`d after the load (as autovacuum would do soon after); SQLite is left"
        f" as the app leaves it (no `ANALYZE`). {extra}",
        f"Each figure is the median of {runs} runs after one warm-up, with the default filters"
        " (the whole history, simulated rows left out) unless the name says otherwise. The"
        " target is under 1 s.",
    ]
    body = "\n\n".join(textwrap.fill(p, width=100, break_on_hyphens=False) for p in paragraphs)
    return f"{SECTION}{n:,} participants\n\n{body}\n\n{table(results)}\n"


def write_docs(text_: str) -> None:
    """Replace the dashboard section of docs/performance.md (creating the file if needed)."""
    current = DOCS.read_text() if DOCS.exists() else "# Performance\n"
    start = current.find(SECTION)
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + text_
    else:
        following = current.find("\n## ", start + len(SECTION))
        rest = current[following + 1 :] if following >= 0 else ""
        updated = current[:start] + text_ + ("\n" + rest if rest else "")
    DOCS.write_text(updated)


def main(argv: list[str] | None = None) -> int:
    """Seed, time and report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--index", action="append", default=[], metavar="TABLE:COL,COL", help="create first"
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before timing, wait up to this long for other processes to go nearly idle",
    )
    parser.add_argument("--nice", type=int, default=0, help="priority change (negative: root)")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still drop the bench schema
    if args.nice:
        os.nice(args.nice)
    module = load_catalog(ROOT / "content").get("asparaginase-aya-all").module
    catalog_site = load_catalog(ROOT / "content").site
    labels = dashboard.profession_labels(catalog_site.gate)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = {
        b: run_backend(b, args.participants, args.runs, args.index, args.wait_quiet, module, labels)
        for b in backends
    }
    print()
    print(table(results))
    if args.write_docs:
        write_docs(section(args.participants, args.runs, results, argv or sys.argv[1:]))
        print(f"\nwrote {DOCS.relative_to(ROOT)}")
    slow = [
        f"{label}: {name}"
        for label, timings in columns_of(results).items()
        for name, seconds in timings.items()
        if seconds >= TARGET_S
    ]
    if slow:
        print("over 1 s: " + ", ".join(slow))
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
