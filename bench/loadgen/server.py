"""Start a Rounds server for a load run, and watch its process through /proc.

The server is started as the browser tests and the cluster recipe start theirs
(`deploy/replica.py`): on a free port, with its own data folder and SQLite file; here the process
and the database path are kept, so that its CPU time and memory can be sampled and its votes
counted afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from deploy import replica  # noqa: E402

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Words that mark a log line as a problem: logging levels, Python warnings, exceptions.
LOG_ALARMS = ("Error", "ERROR", "CRITICAL", "WARN", "Warning", "Exception")


@dataclass
class Server:
    """A running server: its address, process and database file."""

    host: str
    port: int
    proc: subprocess.Popen
    database: Path
    log: Path

    @property
    def base(self) -> str:
        """Return the base URL."""
        return f"http://{self.host}:{self.port}"

    @property
    def pids(self) -> list[int]:
        """Return the server processes to watch (one here; one per replica for a cluster)."""
        return [self.proc.pid]

    def log_text(self) -> str:
        """Return the server's log."""
        return self.log.read_text(errors="replace")


ROOM_ON_ONE_ADDRESS = ("ROUNDS_MAX_CONNECTIONS_PER_CLIENT", "100000")


@contextlib.contextmanager
def running(
    folder: Path,
    script: str = "server.py",
    extra_env: dict[str, str] | None = None,
    root: Path = ROOT,
    patches: str = "",
) -> Iterator[Server]:
    """Start `streamlit run <script>` in `root` on a free port with its own data; stop it after.

    `root` is the checkout whose code runs (this one by default; a `git archive` of another
    commit to compare): the project is not installed in the venv, so the working directory
    decides which `rounds` package is imported. `patches` names what-if changes applied in the
    server process (see `bench/loadgen/variant.py`).
    """
    port = replica.free_port()
    # The load generator is a whole room on one address: the bench measures the server, not the
    # per-address connection ceiling (README "Configuration").
    extra_env = {ROOM_ON_ONE_ADDRESS[0]: ROOM_ON_ONE_ADDRESS[1], **(extra_env or {})}
    command = None
    if patches:
        launcher = str(Path(__file__).with_name("variant.py"))
        command = [sys.executable, launcher, patches, "run", script, *replica.address_options(port)]
    elif script != "server.py":
        command = replica.serve_command(port, script)
    with replica.running(folder, extra_env, root=root, command=command, port=port) as (
        _,
        proc,
        log,
    ):
        yield Server("127.0.0.1", port, proc, folder / "rounds.db", log)


@dataclass(frozen=True)
class ProcSample:
    """One reading of a process: wall time, CPU seconds used so far, resident memory."""

    at: float
    cpu_s: float
    rss_kb: int
    hwm_kb: int
    threads: int


def sample_all(pids: list[int]) -> ProcSample:
    """Read several processes as one: CPU time, memory and threads summed."""
    found = [sample(pid) for pid in pids]
    return ProcSample(
        max(f.at for f in found),
        sum(f.cpu_s for f in found),
        sum(f.rss_kb for f in found),
        sum(f.hwm_kb for f in found),
        sum(f.threads for f in found),
    )


def sample(pid: int) -> ProcSample:
    """Read a process's CPU time and memory from /proc (no psutil needed)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
    status = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        status[name] = value.split()
    return ProcSample(
        time.time(),
        cpu,
        int(status["VmRSS"][0]),
        int(status["VmHWM"][0]),
        int(status["Threads"][0]),
    )


@dataclass
class ProcWatch:
    """Samples of one process taken at a fixed interval."""

    pid: int | list[int]  # several: summed, as one (the replicas of a cluster)
    samples: list[ProcSample] = field(default_factory=list)

    def take(self) -> ProcSample | None:
        """Take one sample (None once the process is gone)."""
        try:
            found = sample_all(self.pid) if isinstance(self.pid, list) else sample(self.pid)
        except (FileNotFoundError, ProcessLookupError, ValueError):
            return None
        self.samples.append(found)
        return found

    def between(self, start: float, end: float) -> list[ProcSample]:
        """Return the samples taken in [start, end]."""
        return [s for s in self.samples if start <= s.at <= end]

    async def every(self, interval: float, stop: asyncio.Event) -> None:
        """Take a sample every `interval` seconds until `stop` is set or the process is gone."""
        deadline = time.monotonic() + 24 * 3600
        while not stop.is_set() and time.monotonic() < deadline:
            if self.take() is None:
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval)


def log_problems(lines: list[str]) -> list[str]:
    """Summarise a server log: each traceback as its last frame and exception, and warnings."""
    found = []
    frame = ""
    in_traceback = False
    for line in lines:
        if line.startswith("Traceback"):
            in_traceback, frame = True, ""
        elif in_traceback and line.lstrip().startswith("File "):
            frame = line.strip()
        elif in_traceback and line and not line.startswith(" "):
            found.append(f"{line.strip()} (at {frame})")
            in_traceback = False
        elif not in_traceback and any(w in line for w in LOG_ALARMS):
            found.append(line.strip())
    return found


def machine_busy() -> float:
    """Return the CPU seconds all processes on this machine have used (from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    ticks = [int(x) for x in fields]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return (sum(ticks[:8]) - idle) / CLOCK_TICKS


def busy_cores(seconds: float = 3.0) -> float:
    """Return how many CPUs the whole machine kept busy over the next `seconds`."""
    before = machine_busy()
    time.sleep(seconds)
    return (machine_busy() - before) / seconds


def wait_quiet(budget_s: float, threshold: float = 0.3) -> float:
    """Wait (at most `budget_s`) until the machine is nearly idle; return the cores in use."""
    deadline = time.monotonic() + budget_s
    while True:
        cores = busy_cores()
        if cores < threshold or time.monotonic() >= deadline:
            return cores
        print(f"waiting for a quiet machine ({cores:.1f} CPUs busy)", flush=True)
        time.sleep(min(20.0, max(0.0, deadline - time.monotonic())))


def own_cpu() -> float:
    """Return the CPU seconds this process (the load generator) has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def machine() -> dict[str, str]:
    """Describe this machine: CPU model, CPUs, memory, OS, Python."""
    model = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_kb = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_kb = int(line.split()[1])
    return {
        "cpu": model,
        "cpus": str(os.cpu_count()),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "os": os.uname().sysname + " " + os.uname().release,
        "python": sys.version.split()[0],
    }
