"""Sample the server with py-spy during a load run and say where the GIL time went.

py-spy is optional (`.venv/bin/pip install py-spy`; it is not in the requirements files).
`--gil` samples only the thread holding the GIL, which is what bounds one Streamlit process.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path


def py_spy() -> str | None:
    """Return the py-spy executable next to this Python, or on PATH."""
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Recorder:
    """A py-spy recording of one process, started and stopped around the load window."""

    def __init__(self, pid: int, output: Path, rate: int = 100) -> None:
        self.output = output
        exe = py_spy()
        if exe is None:
            raise RuntimeError("py-spy not found: .venv/bin/pip install py-spy")
        command = [exe, "record", "--pid", str(pid), "--rate", str(rate), "--gil"]
        command += ["--nonblocking", "--format", "raw", "--output", str(output)]
        self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def stop(self) -> None:
        """Stop recording and let py-spy write its file."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _name(frame: str) -> str:
    """Shorten 'func (path/to/file.py:12)' to 'file.py:func', keeping rounds/ paths."""
    func, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/work/main/", "python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{func}"


def summary(output: Path, top: int = 30) -> list[tuple[str, float, float]]:
    """Return (function, inclusive %, self %) of the most expensive functions."""
    inclusive: Counter[str] = Counter()
    leaf: Counter[str] = Counter()
    total = 0
    if not output.exists():
        return []
    for line in output.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        with contextlib.suppress(ValueError):
            count = int(count_text)
            frames = [_name(f) for f in stack.split(";") if f and not f.startswith("process ")]
            frames = [f for f in frames if not f.startswith("thread ")]
            if not frames:
                continue
            total += count
            for name in set(frames):
                inclusive[name] += count
            leaf[frames[-1]] += count
    if not total:
        return []
    return [
        (name, 100 * n / total, 100 * leaf[name] / total) for name, n in inclusive.most_common(top)
    ]
