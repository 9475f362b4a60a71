"""The dashboard bench's report: a Markdown table and the section of docs/performance.md."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import sqlite3
import textwrap
from pathlib import Path

import pandas as pd
import sqlalchemy

from bench.dashboard_seed import DAYS, REHEARSAL_VOTERS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs" / "performance.md"
SECTION = "## Dashboard data at "
TARGET_S = 1.0
DOWNLOAD, PAGE = "download: ", "page: "  # rows that are not a view's data


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


def columns_of(results: dict[str, dict]) -> dict[str, dict[str, float]]:
    """Return {column label: {row name: seconds}} over every backend's runs."""
    return {label: t for r in results.values() for label, t in r["columns"].items()}


def over_target(results: dict[str, dict]) -> list[str]:
    """Return "column: view" for every view's data at or over the target (not downloads)."""
    return [
        f"{label}: {name}"
        for label, timings in columns_of(results).items()
        for name, seconds in timings.items()
        if seconds >= TARGET_S and not name.startswith((DOWNLOAD, PAGE))
    ]


def table(results: dict[str, dict]) -> str:
    """Return the timings as a Markdown table, one column per backend (and with indexes)."""
    columns = columns_of(results)
    names = list(dict.fromkeys(name for timings in columns.values() for name in timings))
    lines = [
        "| what | " + " | ".join(f"{label} median" for label in columns) + " |",
        "|---|" + "---:|" * len(columns),
    ]
    for name in names:
        cells = []
        for timings in columns.values():
            seconds = timings.get(name)
            flag = seconds is not None and seconds >= TARGET_S and not name.startswith(DOWNLOAD)
            cells.append(
                "–" if seconds is None else f"{1000 * seconds:,.0f} ms" + (" (over 1 s)" * flag)
            )
        shown = name if name.startswith((DOWNLOAD, PAGE)) else f"`{name}`"
        lines.append(f"| {shown} | " + " | ".join(cells) + " |")
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
        'The "+ indexes" columns repeat the view runs on the same data after '
        + "; ".join(f"`{s}`" for s in indexes)
        + "."
        if indexes
        else "The schema's own indexes only."
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
        f" {REHEARSAL_VOTERS} simulated voters, inserted in bulk into the current schema"
        f" (each finished attempt with its stored result). Rows: {rows}. PostgreSQL is"
        " `VACUUM ANALYZE`d after the load (as autovacuum would do soon after); SQLite is left"
        f" as the app leaves it (no `ANALYZE`). {extra}",
        f"Each figure is the median of {runs} runs after one warm-up, with the default filters"
        " (the whole history, simulated rows left out) unless the name says otherwise. The"
        " functions are the data of the dashboard's views; the target is under 1 s for each."
        " The two downloads are not views: they run when the educator presses the rows"
        " button, and build every de-identified row of the module (the frames, then the ZIP"
        " of CSV files that the button sends). The page rows time the dashboard page's whole"
        " server run as an educator opens each tab (AppTest running app.py in-process:"
        " gate, sign-in, filters, the open tab's data and its charts and tables; no network"
        " or browser), each run reading the tab's views afresh, as the first educator to open"
        " it does; the page keeps what it read for 30 s, and the row so named times a run"
        " that draws the kept views.",
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
