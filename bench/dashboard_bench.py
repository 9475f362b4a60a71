"""Time the educator dashboard on a database of N synthetic participants.

    .venv/bin/python bench/dashboard_bench.py [--participants 100000]
        [--backend sqlite|postgresql|both] [--runs 5] [--index TABLE:COL,COL ...]
        [--wait-quiet SECONDS] [--nice N] [--write-docs]

Seeds a fresh database (a SQLite file in a temporary folder; a fresh schema on the PostgreSQL
at ROUNDS_BENCH_POSTGRES_URL, dropped afterwards) with bulk inserts, then times each view's
data function, the two row downloads and the dashboard page's server run per tab
(bench/dashboard_page.py): one warm-up, then `--runs` runs, of which the median is printed.
With `--index`, it then creates those indexes and times the views again, to measure an index
before it is added to the schema. `--wait-quiet` waits for other processes to go nearly idle
before timing (the machine may be shared). `--write-docs` rewrites the dashboard section of
docs/performance.md with the figures and the machine they came from (bench/dashboard_report.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from bench.dashboard_page import page_times  # noqa: E402
from bench.dashboard_report import (  # noqa: E402
    DOCS,
    DOWNLOAD,
    over_target,
    section,
    table,
    write_docs,
)
from bench.dashboard_seed import DAYS, START, seed  # noqa: E402
from bench.loadgen.server import busy_cores, wait_quiet  # noqa: E402
from rounds import dashboard  # noqa: E402
from rounds.content.loader import load_catalog  # noqa: E402
from rounds.documents.csv_export import to_zip_bytes  # noqa: E402
from rounds.store.engine import open_engine  # noqa: E402

POSTGRES_URL = os.environ.get(
    "ROUNDS_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


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
    }


def downloads(module) -> dict[str, Callable[[Engine], object]]:
    """Return the row downloads to time: the frames, and the ZIP the button sends."""
    everything = dashboard.Filters()
    return {
        f"{DOWNLOAD}de-identified rows (`deidentified_rows`)": lambda e: (
            dashboard.deidentified_rows(e, module, everything)
        ),
        f"{DOWNLOAD}the rows ZIP of CSV files": lambda e: to_zip_bytes(
            dashboard.deidentified_rows(e, module, everything), "rows"
        ),
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


def time_views(
    engine: Engine, label: str, runs: int, module, labels, *, rows: bool = True
) -> dict[str, float]:
    """Time every view (and the downloads) on `engine`; return {name: median seconds}."""
    timings = {}
    calls = views(module, labels) | (downloads(module) if rows else {})
    for name, call in calls.items():
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
            week = (START + dt.timedelta(days=DAYS - 7)).date()
            for name, seconds in page_times(url, module.slug, runs, week).items():
                columns[backend][name] = seconds
                print(f"[{backend}] {name:<22} {1000 * seconds:8.0f} ms", flush=True)
            statements = create_indexes(engine, indexes)
            if statements:
                busy.append(wait_quiet(quiet_s) if quiet_s > 0 else busy_cores())
                label = f"{backend} + indexes"
                columns[label] = time_views(engine, label, runs, module, labels, rows=False)
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
    slow = over_target(results)
    if slow:
        print("over 1 s: " + ", ".join(slow))
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
